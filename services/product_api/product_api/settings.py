from pydantic import Field

from techcommerce_common.settings import ServiceSettings


class ProductSettings(ServiceSettings):
    seed_catalog: bool = True
    # How long a rendered catalog page may be served from memory; 0 turns the cache off.
    catalog_cache_seconds: float = Field(default=1.0, ge=0, le=60)
