"""Stored-XSS payloads: script tags, event handlers, `javascript:` and `data:` links,
htmx attributes, attribute- and element-breaking quotes, and template-injection
markers. Shared by the sanitiser's unit tests and the browser tests.

A payload that ran would do one of three visible things: set `window.__xss`, open a
dialog, or make a request to a path under CANARY (the browser tests count those)."""

from __future__ import annotations

CANARY = "/__canary__"
SET = "window.__xss=1"

_BASE = [
    # Script elements
    f"<script>{SET}</script>",
    f'<script src="{CANARY}/script.js"></script>',
    f"<SCRIPT SRC={CANARY}/upper.js></SCRIPT>",
    f"<scr<script>ipt>{SET}</scr</script>ipt>",
    f'<script>fetch("{CANARY}/fetch")</script>',
    "<script>alert(1)</script>",
    f"<svg><script>{SET}</script></svg>",
    f"<template><script>{SET}</script></template>",
    f"<![CDATA[<script>{SET}</script>]]>",
    f"\u003cscript\u003e{SET}\u003c/script\u003e",
    f"&lt;script&gt;{SET}&lt;/script&gt;",
    # Event handlers
    f'<img src=x onerror="{SET}">',
    f"<img src=x onerror={SET}>",
    "<img src=x onerror=alert(1)>",
    f'<img src=1 onerror=fetch("{CANARY}/img-fetch")>',
    f"<img src=`x`onerror={SET}>",
    '<img src="x" onerror="&#119;indow.__xss=1">',
    f'<svg onload="{SET}">',
    "<svg/onload=confirm(1)>",
    f"<svg><animate onbegin={SET} attributeName=x dur=1s>",
    f'<body onload="{SET}">',
    "<body onpageshow=prompt(1)>",
    f'<details open ontoggle="{SET}">',
    f'<input autofocus onfocus="{SET}">',
    f"<select autofocus onfocus={SET}>",
    f"<textarea autofocus onfocus={SET}>",
    f'<video><source onerror="{SET}"></video>',
    f'<audio src=x onerror="{SET}">',
    f"<marquee onstart={SET}>",
    f"<x onclick={SET}>click</x>",
    f'<div onmouseover="{SET}" style="position:fixed;inset:0">cover</div>',
    f"<isindex type=image src=1 onerror={SET}>",
    # Links, frames and objects
    f'<a href="javascript:{SET}">click</a>',
    f'<a href="JaVaScRiPt:{SET}">click</a>',
    f'<a href="java&#x09;script:{SET}">tab</a>',
    f'<a href=" javascript:{SET}">space</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==">data</a>',
    f'<svg><a xlink:href="javascript:{SET}"><text x=20 y=20>XSS</text></a></svg>',
    '<iframe src="javascript:parent.__xss=1"></iframe>',
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    f'<object data="javascript:{SET}"></object>',
    f'<embed src="{CANARY}/embed">',
    f'<form action="{CANARY}/form"><button formaction="javascript:{SET}">go</button></form>',
    f"javascript:{SET}",
    f"data:text/html,<script>{SET}</script>",
    # Requests without script
    f'<img src="{CANARY}/img.png">',
    f'<link rel=stylesheet href="{CANARY}/style.css">',
    f'<style>@import "{CANARY}/import.css";</style>',
    f'<div style="background:url({CANARY}/bg.png)">bg</div>',
    f'<meta http-equiv="refresh" content="0;url={CANARY}/refresh">',
    f'<base href="{CANARY}/">',
    f'<p style="x:expression({SET})">old IE</p>',
    # htmx attributes: one kept attribute is a request the page makes on its own
    f'<div hx-get="{CANARY}/hx-get" hx-trigger="load">htmx</div>',
    f'<div data-hx-get="{CANARY}/data-hx-get" data-hx-trigger="load">htmx</div>',
    f'<button hx-post="{CANARY}/hx-post" hx-trigger="load">htmx</button>',
    f'<div hx-on:htmx:load="{SET}">hx-on</div>',
    f'<div hx-on::load="{SET}" hx-get="{CANARY}/hx-on" hx-trigger="load">x</div>',
    f'<img src=x hx-on:error="{SET}">',
    f'<div hx-get="{CANARY}/hx-swap" hx-trigger="load" hx-swap="outerHTML" hx-target="body">swap</div>',
    f'<div hx-vals=\'js:{{a: {SET}}}\' hx-get="{CANARY}/hx-vals" hx-trigger="load">vals</div>',
    f'<a hx-boost="true" href="{CANARY}/boost">boost</a>',
    f'<div id="workflow" hx-get="{CANARY}/id-clash" hx-trigger="load">same id as a page part</div>',
    f'<div hx-get="{CANARY}/revealed" hx-trigger="revealed">revealed</div>',
    f'<span hx-get="{CANARY}/every" hx-trigger="every 100ms">poll</span>',
    # Breaking out of attributes and elements
    f'"><script>{SET}</script>',
    f"'><script>{SET}</script>",
    f'" onmouseover="{SET}" x="',
    f"' onfocus='{SET}' autofocus='",
    f'" autofocus onfocus="{SET}',
    f'"><img src=x onerror={SET}>',
    f"</textarea><script>{SET}</script>",
    f"</title><script>{SET}</script>",
    f"</script><script>{SET}</script>",
    f"</style><script>{SET}</script>",
    f'<!--<img src="--><img src=x onerror={SET}//">',
    f'<img """><script>{SET}</script>">',
    f"<math><mtext><table><mglyph><style><img src=x onerror={SET}>",
    f'<noscript><p title="</noscript><img src=x onerror={SET}>">',
    '<input type="hidden" name="csrfmiddlewaretoken" value="forged">',
    '<form id="x"><input name="transition" value="publish"></form>',
    # Template injection: stored text is never a template
    "{{ 7|add:1330 }}",
    "{{7*191}}",
    "{% debug %}",
    "{{ request.user.password }}",
    "${7*191}",
    "#{7*191}",
    "<%= 7*191 %>",
    f'{{{{constructor.constructor("{SET}")()}}}}',
    "{{ settings.SECRET_KEY }}",
]

# The same vectors behind an attribute-breaking prefix, as someone probing a form would try.
PAYLOADS: list[str] = list(dict.fromkeys([*_BASE, *(f'">{p}' for p in _BASE[:30])]))
assert len(PAYLOADS) >= 100
