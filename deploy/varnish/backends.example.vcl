# Copy to backends.vcl and list the app servers (gunicorn -c gunicorn.conf.py on each).
import directors;

probe healthz {
    .url = "/healthz";
    .interval = 5s;
    .timeout = 2s;
    .window = 3;
    .threshold = 2;
}

backend app1 { .host = "10.0.0.11"; .port = "8000"; .probe = healthz; }
backend app2 { .host = "10.0.0.12"; .port = "8000"; .probe = healthz; }

sub vcl_init {
    new app = directors.round_robin();
    app.add_backend(app1);
    app.add_backend(app2);
}
