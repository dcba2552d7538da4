"""The admin UI's words in Italian (the default) and English; a test checks every key has both."""

from __future__ import annotations

from cardsvc.platform.web.i18n import Catalog, language

from .reports.columns import LABELS, Column

__all__ = ["MESSAGES", "column_label", "language", "t"]
MESSAGES: dict[str, tuple[str, str]] = {
    "app_title": ("Family Card — servizio centrale", "Family Card — central service"),
    "login": ("Accedi", "Log in"),
    "logout": ("Esci", "Log out"),
    "username": ("Nome utente", "Username"),
    "password": ("Password", "Password"),
    "bad_login": ("Nome utente o password errati.", "Wrong username or password."),
    "too_many_logins": (
        "Troppi tentativi di accesso non riusciti: riprovare tra {minutes} minuti.",
        "Too many failed logins: try again in {minutes} minutes.",
    ),
    "csrf_failed": (
        "Il modulo è scaduto o non è valido: ricaricare la pagina e riprovare.",
        "The form has expired or is not valid: reload the page and try again.",
    ),
    "storage_disk_full": (
        "Disco pieno: nulla è stato registrato. Liberare spazio sul server, poi riprovare.",
        "Disk full: nothing was stored. Free some space on the server, then try again.",
    ),
    "storage_database_damaged": (
        "Database danneggiato: nulla è stato registrato. Ripristinare il database dall'ultimo backup "
        "(docs/operations.md); le casse terranno le loro operazioni e le rimanderanno.",
        "Database damaged: nothing was stored. Restore the database from the last backup "
        "(docs/operations.md); the tills keep their records and send them again.",
    ),
    "storage_disk_error": (
        "Errore del disco: nulla è stato registrato. Controllare il disco del server.",
        "Disk error: nothing was stored. Check the server's disk.",
    ),
    "forbidden": ("Il tuo ruolo non permette questa azione.", "Your role does not allow this."),
    "dashboard": ("Riepilogo", "Overview"),
    "comuni": ("Comuni e chiavi", "Comuni and keys"),
    "merchants": ("Esercizi convenzionati", "Participating shops"),
    "offers": ("Offerte", "Offers"),
    "kiosks": ("Casse", "Tills"),
    "flags": ("Segnalazioni", "Flags"),
    "issuers": ("Credenziali uffici comunali", "Comune office credentials"),
    "directory": ("Dove usare la Family Card", "Where the Family Card works"),
    "name": ("Nome", "Name"),
    "vat": ("Partita IVA", "VAT number"),
    "address": ("Indirizzo", "Address"),
    "reports": ("Rapporti mensili", "Monthly reports"),
    "report_title": ("Rapporto mensile", "Monthly report"),
    "month": ("Mese", "Month"),
    "show": ("Mostra", "Show"),
    "print": ("Stampa", "Print"),
    "statement": ("Rendiconto", "Statement"),
    "csv_decimals": (
        "virgola decimale; per il punto aggiungere &decimali=en",
        "decimal comma; for a decimal point add &decimali=en",
    ),
    "report_period": ("Periodo (ora di Roma)", "Period (Rome time)"),
    "cutoff": ("dati fino a", "data up to"),
    "suppressed_note": (
        "le celle con meno di 5 famiglie sono indicate come «< 5»",
        "cells with fewer than 5 families are shown as “< 5”",
    ),
    "network": ("Rete", "Network"),
    "active_cards": ("Carte attive", "Active cards"),
    "households_with_card": ("Famiglie con carta", "Families with a card"),
    "households_using": ("Famiglie che la usano", "Families using it"),
    "spend": ("Spesa", "Spend"),
    "discount": ("Sconto", "Discount"),
    "new_cards": ("Carte nuove", "New cards"),
    "avg_discount": ("Sconto medio per famiglia", "Average discount per family"),
    "revoked_cards": ("Carte revocate", "Revoked cards"),
    "trend": ("Andamento degli ultimi 12 mesi", "The last 12 months"),
    "by_comune": ("Operazioni per comune", "Operations by comune"),
    "by_family_comune": ("Per comune della famiglia", "By the family's comune"),
    "by_shop_comune": ("Per comune del negozio", "By the shop's comune"),
    "shops_participating": ("Negozi aderenti", "Participating shops"),
    "shops_with_redemptions": ("Negozi con operazioni", "Shops with operations"),
    "flows": ("Flussi tra comuni", "Flows between comuni"),
    "by_category": ("Per categoria di negozio", "By shop category"),
    "comune": ("Comune", "Comune"),
    "category": ("Categoria", "Category"),
    "status": ("Stato", "Status"),
    "create": ("Crea", "Create"),
    "add_merchant": ("Nuovo esercizio", "New shop"),
    "title": ("Titolo", "Title"),
    "kind": ("Tipo", "Kind"),
    "approve": ("Approva", "Approve"),
    "reject": ("Rimanda in bozza", "Send back to draft"),
    "suspend": ("Sospendi", "Suspend"),
    "resume": ("Riattiva", "Resume"),
    "end": ("Termina", "End"),
    "submit": ("Invia per approvazione", "Submit for approval"),
    "new_kiosk": ("Nuova cassa", "New till"),
    "enrolment_code": (
        "Codice di attivazione (valido una volta, fino a {until}):",
        "Enrolment code (works once, until {until}):",
    ),
    "revoke": ("Revoca", "Revoke"),
    "issuer_token": (
        "Credenziale per l'ufficio di {comune} (mostrata solo ora):",
        "Credential for the office of {comune} (shown only now):",
    ),
    "import_trust_list": ("Importa lista di fiducia firmata", "Import a signed trust list"),
    "imported": ("Lista di fiducia versione {version} importata.", "Trust list version {version} imported."),
    "records": ("Registrazioni", "Records"),
    "detail": ("Dettaglio", "Detail"),
    "kiosk": ("Cassa", "Till"),
    "no_flags": ("Nessuna segnalazione aperta.", "No open flags."),
    "redemptions": ("Sconti registrati", "Recorded discounts"),
    "trust_list_version": ("Versione lista di fiducia", "Trust list version"),
    "revocation_list_version": ("Versione lista revoche", "Revocation list version"),
    "saved": ("Salvato.", "Saved."),
    "error": ("Errore", "Error"),
    "all": ("Tutti", "All"),
    "filter": ("Filtra", "Filter"),
    "no_shops": ("Nessun esercizio trovato.", "No shops found."),
    "percent_off": ("{percent}% di sconto", "{percent}% off"),
    "amount_off": ("{amount} € di sconto", "€{amount} off"),
    "min_spend": ("spesa minima {amount} €", "minimum spend €{amount}"),
    "cap": ("fino a {amount} €", "up to €{amount}"),
    "last_seen": ("Ultimo contatto", "Last seen"),
    "created": ("Creata", "Created"),
    "last_used": ("Ultimo uso", "Last used"),
    "revoked": ("Revocata", "Revoked"),
    "credential_revoked": (
        "Credenziale revocata: non è più accettata.",
        "Credential revoked: it is no longer accepted.",
    ),
    "language": ("English", "Italiano"),
}

MESSAGES |= {f"column_{key}": labels for key, labels in LABELS.items()}  # the report's columns
t = Catalog(MESSAGES)


def column_label(column: Column) -> str:
    """A report column's label in the page's language."""
    return t(f"column_{column.key}")
