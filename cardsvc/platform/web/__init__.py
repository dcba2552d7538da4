"""One web policy for the three Flask apps: security headers and cookies, CSRF, logins, ``/health``,
numbers in routes, and the words of the pages."""
