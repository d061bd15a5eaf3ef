"""The hostile corpus, for articles/tests/test_rendering.py and tests/test_sanitize.py."""

# Each payload carries a token (xss-NN) so that a failure says which one got through.
HOSTILE_TEMPLATES = [
    "<script>alert('{t}')</script>",
    "<img src=x onerror=alert('{t}')>",
    "<svg onload=alert('{t}')>",
    "<svg><script>alert('{t}')</script></svg>",
    "<a href=\"javascript:alert('{t}')\">click</a>",
    "<a href=\"jav&#x09;ascript:alert('{t}')\">tab</a>",
    "<a href=\"&#106;avascript:alert('{t}')\">entity</a>",
    "<a href=\"  JaVaScRiPt:alert('{t}')\">case</a>",
    "<a href=\"javascript&colon;alert('{t}')\">colon</a>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">{t}</a>',
    "<a href=\"vbscript:msgbox('{t}')\">vb</a>",
    "[markdown link](javascript:alert('{t}'))",
    "[markdown entity](jav&#x09;ascript:alert('{t}'))",
    "![{t}](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](x\" onerror=\"alert('{t}'))",
    "[ref][r-{t}]\n\n[r-{t}]: javascript:alert('{t}')",
    "<style>body{{background:url(\"javascript:alert('{t}')\")}}</style>",
    "<p style=\"background:url(javascript:alert('{t}'))\">styled</p>",
    "<iframe src=\"javascript:alert('{t}')\"></iframe>",
    "<form action=\"javascript:alert('{t}')\"><input type=submit value={t}></form>",
    "<object data=\"javascript:alert('{t}')\"></object><embed src=\"javascript:alert('{t}')\">",
    "<scr<script>ipt>alert('{t}')</scr</script>ipt>",
    "<<script>alert('{t}');//<</script>",
    "<div onmouseover=\"alert('{t}')\">unclosed <b><i>",
    "\"><script>alert('{t}')</script>",
    "'><img src=x onerror=alert('{t}')>",
    "</title><script>alert('{t}')</script>",
    "</script><script>alert('{t}')</script>",
    "&lt;script&gt;alert('{t}')&lt;/script&gt;",
    "<math><mi xlink:href=\"javascript:alert('{t}')\">m</mi></math>",
    "<base href=\"javascript:alert('{t}')//\">",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'{t}\')">',
    '<a href="http://example.com" onclick="alert(\'{t}\')">a real link</a>',
    "<!--<script>alert('{t}')</script>-->",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('{t}')>\">",
    "<details open ontoggle=alert('{t}')>",
    "A paragraph\n{{: onclick=\"alert('{t}')\" }}",
    '<img src="x" srcset="javascript:alert(\'{t}\') 1x">',
    "<template><script>alert('{t}')</script></template>",
    "<svg><a xlink:href=\"javascript:alert('{t}')\"><text>svg link</text></a></svg>",
    '<a href="#" style="position:fixed;top:0">{t} overlay</a>',
    "{{% csrf_token %}}{{{{ request }}}} {t} template syntax",
    "\u202e{t} right-to-left override \u200b zero width \ufeff",
]


HOSTILE = [template.format(t=f"xss-{n:02d}") for n, template in enumerate(HOSTILE_TEMPLATES)]
# The whole corpus in one Markdown body, to catch what only happens in combination.
HOSTILE_BODY = "\n\n".join(HOSTILE)
