# HKAI's reference edge: Varnish 7 with the xkey vmod (Debian: varnish, varnish-modules).
#
#   varnishd -a :80 -f /etc/varnish/hkai.vcl -p vcl_path=/etc/varnish -s malloc,1g
#
# backends.vcl (beside this file) names the app servers; backends.example.vcl shows how.
# The app sends what may be cached and for how long (Cache-Control: public, s-maxage,
# stale-while-revalidate), the keys each page shows (xkey) and purges those keys after
# every save (pagecache/purge.py, VarnishPurge): see the README's "Edge cache".
vcl 4.1;

import std;
import xkey;

include "backends.vcl";

# Who may purge: the app servers.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    set req.backend_hint = app.backend();

    # Purges from the app: `xkey-softpurge: a12 latest` keeps the old objects for grace
    # (the next reader gets one while the new page is fetched); `xkey-purge` drops them.
    if (req.method == "PURGE") {
        if (!client.ip ~ purgers) {
            return (synth(405, "Not allowed"));
        }
        if (req.http.xkey-purge) {
            set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        } else {
            set req.http.n-gone = xkey.softpurge(req.http.xkey-softpurge);
        }
        return (synth(200, "Purged " + req.http.n-gone));
    }

    # Django would build links under a client-chosen prefix from these: never pass them on.
    unset req.http.Script-Name;
    unset req.http.X-Script-Name;
    unset req.http.X-Forwarded-Prefix;

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The admin (DJANGO_ADMIN_URL) and anyone with a session (editors, staff previews)
    # always reach the app and see fresh pages; the app marks those answers private anyway.
    if (req.url ~ "^/admin/" || req.http.Authorization) {
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # Any other cookie (csrftoken, analytics) does not change an anonymous page.
    unset req.http.Cookie;

    # One page, one object: tracking parameters dropped, the query string sorted, an empty
    # one removed. Accept-Encoding is normalised by Varnish itself (http_gzip_support):
    # it stores gzip once and unzips for clients that cannot take it.
    if (req.url ~ "[?&](utm_[a-z]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|yclid)=") {
        set req.url = regsuball(req.url, "([?&])(utm_[a-z]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|yclid)=[^&]*", "\1");
        set req.url = regsuball(req.url, "([?&])&+", "\1");
        set req.url = regsub(req.url, "[?&]+$", "");
    }
    set req.url = std.querysort(req.url);
    set req.url = regsub(req.url, "\?$", "");
    return (hash);
}

sub vcl_backend_response {
    # Only what the app says every reader may share is kept; the rest passes (hit-for-miss).
    if (beresp.http.Set-Cookie || beresp.http.Cache-Control !~ "public" ||
        beresp.http.Cache-Control ~ "(private|no-cache|no-store)") {
        set beresp.uncacheable = true;
        set beresp.ttl = 30s;
        return (deliver);
    }
    # stale-if-error: a background refresh that fails leaves the stale page in place.
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        return (abandon);
    }
    # s-maxage is the TTL and stale-while-revalidate the grace (Varnish reads both); keep
    # expired objects a while longer so that a refresh can revalidate them (ETag: 304).
    set beresp.keep = 1h;
    if (beresp.http.Content-Type ~ "^(text/|application/(rss|atom)?\+?xml|application/json)") {
        set beresp.do_gzip = true;
    }
}

sub vcl_backend_error {
    # stale-if-error for background refreshes.
    if (bereq.is_bgfetch) {
        return (abandon);
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Edge-Cache = "HIT";
    } else {
        set resp.http.X-Edge-Cache = "MISS";
    }
    # Surrogate keys are between the app and the edge.
    unset resp.http.xkey;
    # Browsers get the short max-age; s-maxage was for this cache only.
    if (resp.http.Cache-Control ~ "s-maxage") {
        set resp.http.Cache-Control = regsub(resp.http.Cache-Control, ",?\s*s-maxage=\d+", "");
    }
}
