"""Monthly reports for the Tavolo: figures per comune and for the network, suppressed where fewer than
five households stand behind a number, as JSON, CSV, an HTML page with charts and a PDF."""
