from pydantic import AnyHttpUrl

from techcommerce_common.settings import ServiceSettings


class OrderSettings(ServiceSettings):
    product_api_url: AnyHttpUrl = AnyHttpUrl("http://127.0.0.1:5001")
