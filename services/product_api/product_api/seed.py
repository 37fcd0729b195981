"""The catalog a fresh database starts with, so a new install has something to sell."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Product

CATALOG = [
    ("LAPTOP-14", 'Laptop 14"', "Light 14-inch laptop, 16 GB RAM", "899.00", 25),
    ("LAPTOP-16", 'Laptop 16"', "16-inch workstation, 32 GB RAM", "1499.00", 10),
    ("MONITOR-27", 'Monitor 27"', "27-inch 4K IPS monitor", "329.99", 40),
    ("KEYBOARD-MX", "Mechanical keyboard", "Tenkeyless, hot-swappable switches", "119.50", 60),
    ("MOUSE-WL", "Wireless mouse", "Ergonomic, 3 devices", "49.90", 120),
    ("HEADSET-BT", "Bluetooth headset", "Noise cancelling, 30 h battery", "199.00", 35),
    ("DOCK-USBC", "USB-C dock", "Dual display, 100 W passthrough", "229.00", 20),
    ("SSD-2TB", "SSD 2 TB", "NVMe PCIe 4.0", "139.99", 80),
]


def seed_catalog(session: Session) -> None:
    if session.scalar(select(Product.id).limit(1)) is not None:
        return
    session.add_all(
        Product(sku=sku, name=name, description=desc, price=Decimal(price), stock=stock)
        for sku, name, desc, price, stock in CATALOG
    )
