from pydantic import AnyHttpUrl

from techcommerce_common.settings import ServiceSettings


class FrontendSettings(ServiceSettings):
    product_api_url: AnyHttpUrl = AnyHttpUrl("http://127.0.0.1:5001")
    order_api_url: AnyHttpUrl = AnyHttpUrl("http://127.0.0.1:5002")
