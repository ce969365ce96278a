"""Running behind a reverse proxy on another host: whose X-Forwarded-* headers to believe.

``TRUSTED_PROXIES`` (``ASSESS_TRUSTED_PROXIES``) lists the addresses or networks of the
proxies in front of Assess, comma-separated (``10.0.0.5, 10.1.0.0/16``). A request whose
peer address is on the list has its scheme, host, port and client address taken from the
proxy's ``X-Forwarded-Proto``, ``-Host``, ``-Port`` and ``-For`` (one proxy deep, as Werkzeug's
``ProxyFix`` reads them); from any other peer those headers mean nothing, so a client cannot
claim HTTPS or another host. Empty (the default): no proxy is trusted.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(value: object) -> tuple[Network, ...]:
    """The networks of a ``TRUSTED_PROXIES`` setting; RuntimeError naming it when invalid."""
    if value is None or value == "":
        return ()
    items: Iterable[object] = value.split(",") if isinstance(value, str) else value  # type: ignore[assignment]
    networks = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError as error:
            raise RuntimeError(f"TRUSTED_PROXIES: {text!r} is not an address or network "
                               f"({error})") from None
    return tuple(networks)


class TrustedProxies:
    """WSGI middleware: ProxyFix for requests from a trusted proxy, nothing for the rest."""

    def __init__(self, app: Any, networks: tuple[Network, ...]) -> None:
        self.plain = app
        self.fixed = ProxyFix(app, x_for=1, x_proto=1, x_host=1, x_port=1)
        self.networks = networks

    def _trusted(self, peer: str | None) -> bool:
        try:
            address = ipaddress.ip_address(peer or "")
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if self._trusted(environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        return self.plain(environ, start_response)


def install(app: Flask) -> None:
    """Wrap the app's WSGI callable when proxies are configured."""
    networks = parse_networks(app.config.get("TRUSTED_PROXIES"))
    if networks:
        app.wsgi_app = TrustedProxies(app.wsgi_app, networks)  # type: ignore[method-assign]
