from techcommerce_common.devserver import run

from .app import create_app

run(create_app, default_port=5000)
