"""A crawler of the app's pages for one persona, with Django's test client.

From the home page (and the site map) it follows every same-site link, GET only, and keeps the
HTML pages; then it submits each page's POST forms with every field empty, so that they come
back with their errors. It stays bounded: a few pages per URL pattern name and set of query
parameters (the same page for yet another object is skipped), at most `max_pages` in all.

Submitting a form is safe because each POST runs in a savepoint rolled back after it: an empty
form that an action accepts (a confirmation button, say) changes nothing that the crawl or
the next persona sees. Only the answers shown again with their errors (200, HTML) are kept.
The admin (Django's own pages, outside the RGAA sample), logging out, the language switch
and downloads (anything that is not HTML) are left out.
"""

import traceback
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.db import transaction
from django.urls import Resolver404, resolve

# URL names never requested: they end the session, switch the language or answer JSON.
SKIPPED_NAMES = {"logout", "set_language", "session_keepalive"}
SKIPPED_PREFIXES = ("/admin/", "/static/", "/media/")
DOWNLOAD_SUFFIXES = (".csv", ".xlsx", ".json", ".pdf", ".zip")


class _LinksAndForms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []
        self.forms = []  # (method, action, names of its fields)
        self.in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            method = (attrs.get("method") or "get").lower()
            self.forms.append((method, attrs.get("action") or "", set()))
            self.in_form = True
        elif (
            tag in ("input", "select", "textarea")
            and self.in_form
            and attrs.get("name")
            and attrs.get("type") not in ("submit", "button", "reset", "image")
        ):
            self.forms[-1][2].add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


@dataclass
class Page:
    persona: str
    name: str  # URL pattern name, with " (POST)" for a form sent back with its errors
    url: str
    html: str


@dataclass
class Crawl:
    pages: list[Page] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)


def _url_name(path):
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _same_site_path(href, base):
    if href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    absolute = urljoin(f"http://testserver{base}", href)
    parts = urlsplit(absolute)
    if parts.netloc != "testserver":
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _key(path):
    """One page per URL name and set of query parameters."""
    parts = urlsplit(path)
    if parts.path.startswith(SKIPPED_PREFIXES) or parts.path.endswith(DOWNLOAD_SUFFIXES):
        return None
    name = _url_name(parts.path)
    if name is None or name in SKIPPED_NAMES:
        return None
    params = tuple(sorted({k for k, _v in parse_qsl(parts.query, keep_blank_values=True)}))
    return name, params


def _is_html(response, statuses=(200,)):
    return response.status_code in statuses and response.get("Content-Type", "").startswith(
        "text/html"
    )


# A form sent back with its errors answers 200, or 400 where the view says the request was bad.
FORM_ERROR_STATUSES = (200, 400, 422)


def _request(crawl, persona, method, client, path, data=None):
    """The response, or None after a server error (recorded with its traceback)."""
    try:
        with transaction.atomic():
            if method == "get":
                response = client.get(path)
            else:
                response = client.post(path, data or {})
            if response.streaming:
                response.close()  # a download: not read
            transaction.set_rollback(True)
    except Exception:  # noqa: BLE001 - every server error is a finding
        crawl.server_errors.append(
            f"{persona} {method.upper()} {path}:\n{traceback.format_exc(limit=-3)}"
        )
        return None
    if response.status_code >= 500:
        crawl.server_errors.append(f"{persona} {method.upper()} {path}: {response.status_code}")
    return response


def crawl(client, persona, start=("/",), per_key=2, max_pages=200, crawl_result=None):
    """Crawl the site as `client` sees it, adding to `crawl_result` the pages it reached (GET)
    and then its forms sent back in error; at most `per_key` pages per URL name and set of
    query parameters (two states of an object may show different forms)."""
    result = crawl_result or Crawl()
    seen = {}  # key -> paths queued
    queue = []

    def enqueue(path):
        key = _key(path)
        if key is None:
            return
        paths = seen.setdefault(key, set())
        if path not in paths and len(paths) < per_key:
            paths.add(path)
            queue.append(path)

    for path in start:
        enqueue(path)
    forms = {}  # (URL name of the action) -> path to POST
    pages = []
    while queue and len(pages) < max_pages:
        path = queue.pop(0)
        response = _request(result, persona, "get", client, path)
        if response is None or response.streaming or not _is_html(response):
            continue
        html = response.content.decode()
        pages.append(Page(persona, _key(path)[0], path, html))
        parser = _LinksAndForms()
        parser.feed(html)
        for href in parser.links:
            target = _same_site_path(href, path)
            if target:
                enqueue(target)
        for method, action, names in parser.forms:
            if method != "post":
                continue
            target = _same_site_path(action, path) if action else path
            key = target and _key(target)
            if key and key[0] not in forms:
                forms[key[0]] = (target, names - {"csrfmiddlewaretoken"})
    for name, (path, names) in sorted(forms.items()):
        if len(pages) >= max_pages * 2:
            break
        # Every field sent, and empty (a form with nothing sent is often shown unbound).
        response = _request(result, persona, "post", client, path, dict.fromkeys(names, ""))
        if (
            response is not None
            and not response.streaming
            and _is_html(response, FORM_ERROR_STATUSES)
        ):
            pages.append(Page(persona, f"{name} (POST)", path, response.content.decode()))
    result.pages.extend(pages)
    return result
