"""Every page keeps to its Content-Security-Policy: scripts and styles carry the page's nonce, and
nothing inline would be blocked (event-handler attributes, style attributes, javascript: URLs).

The pages are every GET route of the authorisation matrix, rendered for an administrator (who
sees the most) and for an anonymous visitor, in the matrix's fixture world.
"""

import re
from html.parser import HTMLParser

from tests.test_authz_matrix import ADMIN, ANON, AUTHOR, CASES, _rules_by_endpoint, _sign_in, _url
from tests.test_authz_matrix import build_world as matrix_world


class _Inline(HTMLParser):
    def __init__(self, nonce: str):
        super().__init__()
        self.nonce, self.problems = nonce, []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "style") and attributes.get("nonce") != self.nonce:
            self.problems.append(f"<{tag}> without the page's nonce")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
            if name == "style":
                self.problems.append(f"<{tag} style=…> inline style")
            if name in ("href", "src", "action", "formaction") and value and re.match(
                    r"\s*javascript:", value, re.I):
                self.problems.append(f"<{tag} {name}=javascript:…>")


def test_pages_keep_to_the_content_security_policy(app, ctx):
    world = matrix_world()
    endpoints = _rules_by_endpoint(app)
    checked, problems = 0, []
    for principal in (ANON, ADMIN, AUTHOR):
        for case in CASES:
            if case.method != "GET" or case.endpoint not in endpoints:
                continue
            client = app.test_client()
            if principal != ANON:
                _sign_in(client, world.users[principal])
            url = _url(app, case, world)
            response = client.get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            policy = response.headers["Content-Security-Policy"]
            nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
            for part in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
                assert part in policy
            parser = _Inline(nonce)
            parser.feed(response.get_data(as_text=True))
            problems += [f"{url} as {principal}: {problem}" for problem in parser.problems]
            checked += 1
    assert checked > 60
    assert not problems, "\n".join(sorted(set(problems)))
