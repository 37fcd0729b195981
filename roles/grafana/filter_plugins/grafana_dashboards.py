"""Grafana dashboards generated from platform_services (a filter, so every service gets its RED dashboard).

`platform_services | grafana_dashboards(namespace, datasource_uid, orders_service, orders_endpoint)` returns
{file name: dashboard}. Every query is plain PromQL (no Grafana variables), so the same text can be run
against Prometheus to prove each panel has data.
"""

from __future__ import annotations

from typing import Any

Panel = dict[str, Any]
QUANTILES = (0.5, 0.95, 0.99)


def panel(title: str, unit: str, targets: list[tuple[str, str]], datasource_uid: str) -> Panel:
    datasource = {"type": "prometheus", "uid": datasource_uid}
    return {
        "type": "timeseries",
        "title": title,
        "datasource": datasource,
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": [
            {"refId": chr(ord("A") + i), "expr": expr, "legendFormat": legend, "datasource": datasource}
            for i, (expr, legend) in enumerate(targets)
        ],
    }


def dashboard(uid: str, title: str, panels: list[Panel]) -> dict[str, Any]:
    """Two panels per row, ids and positions in order."""
    for index, item in enumerate(panels):
        item["id"] = index + 1
        item["gridPos"] = {"x": (index % 2) * 12, "y": (index // 2) * 8, "w": 12, "h": 8}
    return {
        "uid": uid,
        "title": title,
        "tags": ["techcommerce"],
        "editable": False,
        "schemaVersion": 39,
        "time": {"from": "now-1h", "to": "now"},
        "refresh": "30s",
        "panels": panels,
    }


def error_ratio(selector: str, by: str) -> str:
    """5xx share; 0 rather than no data when there was no 5xx."""
    total = f"sum by ({by}) (rate(flask_http_request_total{{{selector}}}[5m]))"
    errors = f'sum by ({by}) (rate(flask_http_request_total{{{selector}, status=~"5.."}}[5m]))'
    return f"({errors} or 0 * {total}) / {total}"


def overview(ns: str, uid: str, orders: str) -> dict[str, Any]:
    sel = f'namespace="{ns}"'
    latency_buckets = f"sum by (service, le) (rate(flask_http_request_duration_seconds_bucket{{{sel}}}[5m]))"
    return dashboard(
        "techcommerce-overview",
        "TechCommerce: platform overview",
        [
            panel(
                "Requests per second",
                "reqps",
                [(f"sum by (service) (rate(flask_http_request_total{{{sel}}}[5m]))", "{{service}}")],
                uid,
            ),
            panel("5xx ratio", "percentunit", [(error_ratio(sel, "service"), "{{service}}")], uid),
            panel(
                "p95 latency",
                "s",
                [(f"histogram_quantile(0.95, {latency_buckets})", "{{service}}")],
                uid,
            ),
            panel("Targets up", "short", [(f'sum by (service) (up{{job="platform", {sel}}})', "{{service}}")], uid),
            panel("Orders per minute", "short", [(f"60 * sum({orders})", "orders/min")], uid),
            panel(
                "Firing alerts",
                "short",
                [('count by (alertname) (ALERTS{alertstate="firing"}) or vector(0)', "{{alertname}}")],
                uid,
            ),
        ],
    )


def red(service: str, ns: str, uid: str) -> dict[str, Any]:
    sel = f'namespace="{ns}", service="{service}"'
    buckets = f"sum by (le) (rate(flask_http_request_duration_seconds_bucket{{{sel}}}[5m]))"
    return dashboard(
        f"techcommerce-red-{service}",
        f"TechCommerce: {service} (rate, errors, duration)",
        [
            panel(
                "Rate by endpoint",
                "reqps",
                [(f"sum by (endpoint) (rate(flask_http_request_duration_seconds_count{{{sel}}}[5m]))", "{{endpoint}}")],
                uid,
            ),
            panel(
                "Rate by status",
                "reqps",
                [(f"sum by (status) (rate(flask_http_request_total{{{sel}}}[5m]))", "{{status}}")],
                uid,
            ),
            panel("5xx ratio", "percentunit", [(error_ratio(sel, "service"), "5xx")], uid),
            panel(
                "Duration p50 / p95 / p99",
                "s",
                [(f"histogram_quantile({q}, {buckets})", f"p{round(q * 100)}") for q in QUANTILES],
                uid,
            ),
        ],
    )


def resources(ns: str, uid: str, autoscaled: bool) -> dict[str, Any]:
    sel = f'namespace="{ns}"'
    container = f'job="kubelet", {sel}, container!="", container!="POD"'
    panels = [
        panel(
            "CPU per pod: used, requested, limit",
            "short",
            [
                (f"sum by (pod) (rate(container_cpu_usage_seconds_total{{{container}}}[5m]))", "{{pod}} used"),
                (f'sum by (pod) (kube_pod_container_resource_requests{{{sel}, resource="cpu"}})', "{{pod}} request"),
                (f'sum by (pod) (kube_pod_container_resource_limits{{{sel}, resource="cpu"}})', "{{pod}} limit"),
            ],
            uid,
        ),
        panel(
            "Memory per pod: working set, requested, limit",
            "bytes",
            [
                (f"sum by (pod) (container_memory_working_set_bytes{{{container}}})", "{{pod}} used"),
                (f'sum by (pod) (kube_pod_container_resource_requests{{{sel}, resource="memory"}})', "{{pod}} request"),
                (f'sum by (pod) (kube_pod_container_resource_limits{{{sel}, resource="memory"}})', "{{pod}} limit"),
            ],
            uid,
        ),
        panel(
            "CPU throttled share of periods",
            "percentunit",
            [
                (
                    f"sum by (pod) (rate(container_cpu_cfs_throttled_periods_total{{{container}}}[5m]))"
                    f" / sum by (pod) (rate(container_cpu_cfs_periods_total{{{container}}}[5m]))",
                    "{{pod}}",
                )
            ],
            uid,
        ),
        panel(
            "Restarts in the last hour",
            "short",
            [(f"sum by (pod) (increase(kube_pod_container_status_restarts_total{{{sel}}}[1h]))", "{{pod}}")],
            uid,
        ),
    ]
    if autoscaled:
        series = ("status_current_replicas", "status_desired_replicas", "spec_min_replicas", "spec_max_replicas")
        panels.append(
            panel(
                "Autoscaler replicas: current, desired, min, max",
                "short",
                [
                    (
                        f"kube_horizontalpodautoscaler_{name}{{{sel}}}",
                        f"{{{{horizontalpodautoscaler}}}} {name.split('_')[1]}",
                    )
                    for name in series
                ],
                uid,
            )
        )
    return dashboard("techcommerce-resources", "TechCommerce: resources and autoscaling", panels)


def slos(ns: str, uid: str) -> dict[str, Any]:
    """The SLOs of roles/prometheus/files/slos.yml, from the recording rules Sloth generates for them."""
    sel = f'namespace="{ns}", sloth_service="techcommerce"'
    firing = f'ALERTS{{alertstate="firing", {sel}}}'
    return dashboard(
        "techcommerce-slos",
        "TechCommerce: SLOs and error budgets",
        [
            panel(
                "Error budget remaining (30 days)",
                "percentunit",
                [(f"slo:period_error_budget_remaining:ratio{{{sel}}}", "{{sloth_slo}}")],
                uid,
            ),
            panel(
                "SLI: good share over 30 days, against the objective",
                "percentunit",
                [
                    (f"1 - slo:sli_error:ratio_rate30d{{{sel}}}", "{{sloth_slo}}"),
                    ('slo:objective:ratio{sloth_service="techcommerce"}', "{{sloth_slo}} objective"),
                ],
                uid,
            ),
            panel(
                "Burn rate now (5 min; 1 = the budget lasts the 30 days)",
                "short",
                [(f"slo:current_burn_rate:ratio{{{sel}}}", "{{sloth_slo}}")],
                uid,
            ),
            panel(
                "Burn-rate alerts firing",
                "short",
                [(f"count by (alertname, severity) ({firing}) or vector(0)", "{{alertname}} {{severity}}")],
                uid,
            ),
        ],
    )


def grafana_dashboards(
    services: list[dict[str, Any]], namespace: str, datasource_uid: str, orders_service: str, orders_endpoint: str
) -> dict[str, dict[str, Any]]:
    names = [service["name"] for service in services]
    orders = (
        f'rate(flask_http_request_duration_seconds_count{{namespace="{namespace}", service="{orders_service}",'
        f' endpoint="{orders_endpoint}", status=~"2.."}}[5m])'
    )
    boards = [overview(namespace, datasource_uid, orders)]
    boards += [red(name, namespace, datasource_uid) for name in names]
    boards.append(resources(namespace, datasource_uid, any("hpa" in service for service in services)))
    boards.append(slos(namespace, datasource_uid))
    return {f"{board['uid']}.json": board for board in boards}


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"grafana_dashboards": grafana_dashboards}
