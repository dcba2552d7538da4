"""The comune office's words, Italian first, English available; every error says what to fix."""

from __future__ import annotations

from typing import Any

from cardsvc.platform.euros import format_euros
from cardsvc.platform.web.i18n import Catalog, language

__all__ = ["MESSAGES", "describe", "language", "t"]

MESSAGES: dict[str, tuple[str, str]] = {
    "app_title": ("Family Card — ufficio comunale", "Family Card — comune office"),
    "login": ("Accedi", "Log in"),
    "logout": ("Esci", "Log out"),
    "username": ("Utente", "Username"),
    "password": ("Password", "Password"),
    "bad_login": ("Utente o password non corretti.", "Wrong username or password."),
    "too_many_logins": (
        "Troppi tentativi di accesso non riusciti: riprovare tra {minutes} minuti.",
        "Too many failed logins: try again in {minutes} minutes.",
    ),
    "session_expired": ("Sessione scaduta: accedere di nuovo.", "Session expired: log in again."),
    "csrf_failed": (
        "Modulo scaduto o inviato da un'altra pagina: ricaricare e riprovare.",
        "Form expired or sent from another page: reload and try again.",
    ),
    "language": ("English", "Italiano"),
    "households": ("Nuclei familiari", "Households"),
    "search": ("Cerca", "Search"),
    "search_hint": ("nome, genitore o indirizzo", "name, parent or address"),
    "new_household": ("Nuovo nucleo", "New household"),
    "edit": ("Modifica", "Edit"),
    "save": ("Salva", "Save"),
    "reference_person": ("Persona di riferimento", "Reference person"),
    "other_guardians": (
        "Altri genitori o tutori (separati da ;)",
        "Other parents or guardians (separated by ;)",
    ),
    "birth_years": ("Anni di nascita dei figli (separati da ;)", "Children's birth years (separated by ;)"),
    "address": ("Indirizzo nel comune", "Address in the comune"),
    "resident": ("Residente nel comune", "Resident in the comune"),
    "isee": ("Valore ISEE (€, se richiesto)", "ISEE value (€, where required)"),
    "yes": ("sì", "yes"),
    "no": ("no", "no"),
    "guardians": ("Genitori e tutori", "Parents and guardians"),
    "minors_now": ("Figli minori", "Minor children"),
    "eligible": ("Il nucleo ha diritto alla carta.", "The household is eligible for the card."),
    "not_eligible": ("Il nucleo non ha diritto alla carta:", "The household is not eligible:"),
    "rule_not_resident": ("non risulta residente nel comune.", "it is not resident in the comune."),
    "rule_too_few_minors": (
        "servono almeno {needed} figli minori, ne risultano {found}.",
        "at least {needed} minor children are needed, {found} found.",
    ),
    "rule_isee_missing": (
        "manca il valore ISEE (tetto del comune: {ceiling}).",
        "the ISEE value is missing (the comune's ceiling: {ceiling}).",
    ),
    "rule_isee_above_ceiling": (
        "l'ISEE supera il tetto del comune di {ceiling}.",
        "the ISEE is above the comune's ceiling of {ceiling}.",
    ),
    "field_required": ("campo obbligatorio.", "required."),
    "field_too_long": (
        "troppo lungo (al massimo {limit} caratteri).",
        "too long (at most {limit} characters).",
    ),
    "field_formula_start": (
        "non può iniziare con =, +, - o @ (un foglio di calcolo lo prenderebbe per una formula).",
        "cannot begin with =, +, - or @ (a spreadsheet would take it for a formula).",
    ),
    "field_direction_control": (
        "contiene un carattere invisibile che cambia la direzione del testo: riscrivere il nome.",
        "contains an invisible character that changes the text direction: type the name again.",
    ),
    "field_control_character": (
        "contiene un carattere di controllo invisibile: riscrivere il nome.",
        "contains an invisible control character: type the name again.",
    ),
    "field_too_many": ("troppi elementi (al massimo {limit}).", "too many (at most {limit})."),
    "field_invalid_year": (
        "«{value}» non è un anno di nascita di un figlio (tra {year} e 30 anni prima).",
        "“{value}” is not a child's birth year (from 30 years back to {year}).",
    ),
    "field_invalid_amount": (
        "«{value}» non è un importo: scrivere ad esempio 18500,00.",
        "“{value}” is not an amount: type for example 18500.00.",
    ),
    "field_invalid_yes_no": ("«{value}»: scrivere sì o no.", "“{value}”: write yes or no."),
    "cards": ("Carte", "Cards"),
    "issue_card": ("Emetti carta", "Issue card"),
    "name_on_card": ("Nome sulla carta", "Name on the card"),
    "shortened": ("accorciato per stare nei 24 byte della carta", "shortened to fit the card's 24 bytes"),
    "card_number": ("Numero carta", "Card number"),
    "holder": ("Intestatario", "Holder"),
    "status": ("Stato", "Status"),
    "status_active": ("attiva", "active"),
    "status_superseded": ("sostituita (rinnovo)", "superseded (renewal)"),
    "status_revoked": ("revocata", "revoked"),
    "issued": ("Emessa", "Issued"),
    "valid_until": ("Valida fino al", "Valid until"),
    "print_png": ("Stampa (PNG 300 dpi)", "Print (PNG 300 dpi)"),
    "print_pdf": ("Stampa (PDF)", "Print (PDF)"),
    "phone_png": ("Immagine per il telefono", "Picture for the phone"),
    "renew": ("Rinnova", "Renew"),
    "renew_from": ("Rinnovabile dal {date}.", "Renewable from {date}."),
    "reissue": ("Sostituisci (smarrita o rubata)", "Replace (lost or stolen)"),
    "revoke": ("Revoca", "Revoke"),
    "reason": ("Motivo", "Reason"),
    "reason_lost": ("smarrita", "lost"),
    "reason_stolen": ("rubata", "stolen"),
    "reason_moved": ("trasferito in altro comune", "moved away"),
    "reason_fraud": ("uso fraudolento", "fraud"),
    "reason_other": ("altro", "other"),
    "reason_superseded": ("rinnovata", "renewed"),
    "card_issued": ("Carta {number} emessa.", "Card {number} issued."),
    "card_renewed": ("Carta rinnovata: nuovo numero {number}.", "Card renewed: new number {number}."),
    "card_reissued": (
        "Nuova carta {number}; la precedente è revocata.",
        "New card {number}; the old one is revoked.",
    ),
    "card_revoked": ("Carta {number} revocata.", "Card {number} revoked."),
    "refused_ineligible": (
        "Carta non emessa: il nucleo non ha diritto.",
        "No card issued: the household is not eligible.",
    ),
    "refused_duplicate_card": ("{holder} ha già una carta attiva.", "{holder} already holds an active card."),
    "refused_unknown_guardian": ("Genitore o tutore sconosciuto.", "Unknown parent or guardian."),
    "refused_unknown_household": ("Nucleo sconosciuto.", "Unknown household."),
    "refused_unknown_card": ("Carta sconosciuta.", "Unknown card."),
    "refused_card_not_active": ("La carta non è attiva.", "The card is not active."),
    "refused_too_early_to_renew": ("Troppo presto per rinnovare.", "Too early to renew."),
    "refused_invalid_reason": ("Scegliere un motivo dall'elenco.", "Pick a reason from the list."),
    "refused_key_not_active": (
        "Nessuna chiave di firma attiva per il comune nell'elenco di fiducia: {detail}",
        "No signing key active for the comune in the trust list: {detail}",
    ),
    "events": ("Invii alla rete", "Sent to the network"),
    "events_pending": ("{count} eventi in attesa di invio", "{count} events waiting to be sent"),
    "events_none": ("Tutto inviato alla rete.", "Everything has been sent to the network."),
    "events_rejected": ("Rifiutati dalla rete", "Refused by the network"),
    "push_now": ("Invia ora", "Send now"),
    "pushed": ("Inviati: {outcome}", "Sent: {outcome}"),
    "attempts": ("Tentativi", "Attempts"),
    "last_error": ("Ultimo errore", "Last error"),
    "audit": ("Registro delle operazioni", "Audit log"),
    "erase_household": (
        "Cancella i dati del nucleo (richiesta dell'interessato, art. 17 GDPR)",
        "Erase the household's data (the person's request, GDPR art. 17)",
    ),
    "erase_hint": (
        "Nomi, indirizzo e anni di nascita vengono cancellati; delle carte resta solo il numero.",
        "Names, address and birth years are erased; of the cards only the number stays.",
    ),
    "household_erased": ("Dati del nucleo {id} cancellati.", "Household {id}: data erased."),
    "erase_refused_active": (
        "Il nucleo ha una carta ancora valida: revocarla, poi cancellare i dati.",
        "The household holds a valid card: revoke it, then erase the data.",
    ),
    "when": ("Quando", "When"),
    "operator": ("Operatore", "Operator"),
    "action": ("Operazione", "Action"),
    "subject": ("Oggetto", "Subject"),
    "detail": ("Dettaglio", "Detail"),
    "batch": ("Emissione da file", "Batch from a file"),
    "batch_help": (
        "File CSV con le colonne: riferimento; referente; altri_genitori; anni_nascita_figli; indirizzo; "
        "residente; isee; carte. Prima si controllano tutte le righe.",
        "CSV file with the columns: riferimento; referente; altri_genitori; anni_nascita_figli; indirizzo; "
        "residente; isee; carte. Every row is checked first.",
    ),
    "sample_file": ("File di esempio", "Sample file"),
    "check_file": ("Controlla il file", "Check the file"),
    "batch_errors": (
        "Il file ha {count} errori: nulla è stato registrato.",
        "The file has {count} errors: nothing was stored.",
    ),
    "line": ("Riga", "Line"),
    "column": ("Colonna", "Column"),
    "batch_ready": ("{rows} nuclei pronti.", "{rows} households ready."),
    "run_batch": ("Registra ed emetti", "Register and issue"),
    "batch_progress": ("Emissione in corso", "Issuing"),
    "batch_done": (
        "Fatto: {new} nuclei nuovi, {known} già registrati, {cards} carte emesse.",
        "Done: {new} new households, {known} already registered, {cards} cards issued.",
    ),
    "batch_sheet": ("Fogli A4 da stampare (PDF)", "A4 sheets to print (PDF)"),
    "batch_skipped": ("Non emesse", "Not issued"),
    "batch_file_too_large": ("Il file supera 5 MB.", "The file is over 5 MB."),
    "batch_not_text": ("Il file non è un CSV di testo.", "The file is not a text CSV."),
    "batch_cell_too_long": (
        "una cella troppo lunga: il file non è un elenco di nuclei.",
        "a cell too long: the file is not a list of households.",
    ),
    "batch_malformed_csv": (
        "il file non è un CSV leggibile (virgolette non chiuse?).",
        "the file is not a readable CSV (unclosed quotes?).",
    ),
    "batch_missing_columns": ("mancano le colonne: {column}", "missing columns: {column}"),
    "batch_unknown_columns": ("colonne sconosciute: {column}", "unknown columns: {column}"),
    "batch_duplicate_ref": (
        "riferimento già usato alla riga {first}.",
        "reference already used on line {first}.",
    ),
    "batch_invalid_cards": ("«{value}»: scrivere referente o tutti.", "“{value}”: write referente or tutti."),
    "batch_extra_cells": ("più celle delle colonne.", "more cells than columns."),
    "batch_too_many_rows": ("più di {limit} righe.", "more than {limit} rows."),
    "batch_no_rows": ("nessuna riga di dati.", "no data rows."),
    "keys": ("Chiavi di firma", "Signing keys"),
    "key_local": ("non ancora nell'elenco di fiducia", "not yet in the trust list"),
    "no_active_key": (
        "Nessuna chiave attiva: le carte non possono essere emesse finché la rete non pubblica la chiave.",
        "No active key: cards cannot be issued until the network publishes the key.",
    ),
    "rules": ("Regole del comune", "The comune's rules"),
    "rules_text": (
        "residenza, almeno {min_minors} figli minori",
        "residency, at least {min_minors} minor children",
    ),
    "rules_isee": ("ISEE fino a {ceiling}", "ISEE up to {ceiling}"),
    "back": ("Indietro", "Back"),
    "not_found": ("Non trovato.", "Not found."),
    "storage_disk_full": (
        "Disco pieno: l'ultima operazione NON è stata registrata. Liberare spazio sul server dell'ufficio (o "
        "chiamare l'assistenza), poi ripeterla; quanto già registrato è al sicuro.",
        "Disk full: the last operation was NOT recorded. Free some space on the office server (or call "
        "support), then repeat it; what was already recorded is safe.",
    ),
    "storage_database_damaged": (
        "Database danneggiato: l'ultima operazione NON è stata registrata. Non emettere carte e chiamare "
        "l'assistenza: il database va ripristinato dall'ultimo backup (docs/operations.md).",
        "Database damaged: the last operation was NOT recorded. Do not issue cards and call support: the "
        "database must be restored from the last backup (docs/operations.md).",
    ),
    "storage_disk_error": (
        "Errore del disco: l'ultima operazione NON è stata registrata. Chiamare l'assistenza.",
        "Disk error: the last operation was NOT recorded. Call support.",
    ),
    "storage_database_missing": (
        "Database mancante: chiamare l'assistenza.",
        "Database missing: call support.",
    ),
}

t = Catalog(MESSAGES)


def describe(prefix: str, code: str, values: dict[str, object], lang: str | None = None) -> str:
    """The message for a refusal code with its values, amounts in cents written as euros; in ``lang``, else
    in the page's language."""
    shown = {k: format_euros(v) if k == "ceiling" and isinstance(v, int) else v for k, v in values.items()}
    key = f"{prefix}_{code}"
    return t(key, **shown) if lang is None else t.in_language(lang, key, **shown)


def batch_error_text(error: Any, lang: str | None = None) -> str:
    """A CSV row error in words: the batch's own codes, or the household field's."""
    if f"batch_{error.code}" in MESSAGES:
        return describe("batch", error.code, {**error.values, "column": error.column}, lang)
    return describe("field", error.code, error.values, lang)
