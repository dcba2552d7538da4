"""The till's words, Italian first (shop staff), English available."""

from __future__ import annotations

from cardsvc.core.verdicts import MESSAGES as VERDICT_MESSAGES
from cardsvc.platform.web.i18n import Catalog, language

__all__ = ["MESSAGES", "language", "t", "verdict_message"]

MESSAGES: dict[str, tuple[str, str]] = {
    "title": ("Family Card — cassa", "Family Card — till"),
    "scan_prompt": ("Passare la carta sul lettore", "Scan the card"),
    "scan_field": ("Codice della carta", "Card code"),
    "camera": ("Fotocamera", "Camera"),
    "photo": ("Foto della carta", "Photo of the card"),
    "upload": ("Leggi foto", "Read photo"),
    "accepted": ("CARTA VALIDA", "CARD VALID"),
    "rejected": ("CARTA NON VALIDA", "CARD NOT VALID"),
    "holder": ("Intestatario", "Holder"),
    "comune": ("Comune", "Comune"),
    "minors": ("Figli minori", "Minor children"),
    "expires": ("Scadenza", "Expires"),
    "card_number": ("Numero carta", "Card number"),
    "offers": ("Offerte per questa famiglia", "Offers for this family"),
    "no_offers": ("Nessuna offerta utilizzabile oggi.", "No offer can be used today."),
    "amount": ("Importo della spesa (€)", "Purchase amount (€)"),
    "record": ("Registra lo sconto", "Record the discount"),
    "recorded": ("Sconto registrato", "Discount recorded"),
    "redemption_number": ("Operazione n.", "Operation no."),
    "discount": ("Sconto", "Discount"),
    "to_pay": ("Da pagare", "To pay"),
    "spend": ("Spesa", "Spend"),
    "void": ("Annulla operazione", "Void operation"),
    "voided": ("Operazione annullata", "Operation voided"),
    "new_scan": ("Nuova carta (Esc)", "Next card (Esc)"),
    "repeat_scan": ("Stessa carta appena letta: stesso cliente.", "Same card just scanned: same customer."),
    "offline": (
        "Senza collegamento con la rete: la cassa funziona, i dati partiranno appena possibile.",
        "No connection to the network: the till works, data will be sent as soon as possible.",
    ),
    "last_sync": ("Ultima sincronizzazione", "Last sync"),
    "never": ("mai", "never"),
    "pending": ("Da inviare", "Pending"),
    "sync_now": ("Sincronizza ora", "Sync now"),
    "day_close": ("Chiusura giornaliera", "Day close"),
    "close_today": ("Chiudi la giornata di oggi", "Close today"),
    "closed": ("Chiusura n. {number} del {day}", "Close no. {number} of {day}"),
    "statement": ("Rendiconto mensile", "Monthly statement"),
    "families": ("Famiglie servite", "Families served"),
    "redemptions": ("Operazioni", "Operations"),
    "print": ("Stampa", "Print"),
    "back": ("Torna alla cassa", "Back to the till"),
    "not_enrolled": (
        "Cassa non attivata: eseguire familycard kiosk enroll.",
        "Till not enrolled: run familycard kiosk enroll.",
    ),
    "error_invalid_amount": (
        "Importo non valido: scrivere ad esempio 12,50.",
        "Invalid amount: type for example 12.50.",
    ),
    "error_below_min_spend": (
        "La spesa è sotto il minimo dell'offerta.",
        "The purchase is below the offer's minimum.",
    ),
    "error_too_few_minors": ("L'offerta richiede più figli minori.", "The offer needs more minor children."),
    "error_daily_limit": (
        "Offerta già usata oggi da questa carta.",
        "Offer already used today with this card.",
    ),
    "error_unknown_offer": ("Offerta non disponibile.", "Offer not available."),
    "error_invalid_form": (
        "Modulo non valido: passare di nuovo la carta.",
        "The form is not valid: scan the card again.",
    ),
    "chain_broken": (
        "Il servizio centrale non accetta più le registrazioni di questa cassa (catena interrotta "
        "alla n. {seq}, motivo {reason}). Le vendite restano salvate qui. Chiamare l'amministratore "
        "della rete: verifica e riallinea la cassa {kiosk} dalla registrazione {record}.",
        "The central service no longer takes this till's records (chain broken at no. {seq}, "
        "reason {reason}). Sales stay saved here. Call the network administrator: they check and "
        "re-anchor till {kiosk} from record {record}.",
    ),
    "till_restored": (
        "Questa cassa sembra ripristinata da un backup: il servizio centrale ha {central} registrazioni, qui"
        " ce ne sono {local}. Le vendite restano salvate qui. Chiamare l'amministratore della rete per"
        " riallineare la cassa {kiosk}.",
        "This till looks restored from a backup: the central service holds {central} records, this till"
        " {local}. Sales stay saved here. Call the network administrator to re-anchor till {kiosk}.",
    ),
    "records_refused": (
        "Registrazioni rifiutate dal servizio centrale: {count} (l'ultima: {reason}).",
        "Records refused by the central service: {count} (the latest: {reason}).",
    ),
    "error_scan_expired": (
        "Lettura scaduta: passare di nuovo la carta.",
        "Scan expired: scan the card again.",
    ),
    "error_card_refused": (
        "La carta non è più valida: passarla di nuovo.",
        "The card is no longer valid: scan it again.",
    ),
    "error_unknown_redemption": ("Operazione sconosciuta.", "Unknown operation."),
    "error_already_voided": ("Operazione già annullata.", "Operation already voided."),
    "error_void_window_passed": ("Troppo tardi per annullare.", "Too late to void."),
    "error_day_already_closed": ("Giornata già chiusa.", "Day already closed."),
    "error_no_code": (
        "Nessun codice trovato nell'immagine: inquadrare da vicino il codice QR della carta, ben illuminato.",
        "No code found in the image: frame the card's QR code closely, in good light.",
    ),
    "error_not_an_image": (
        "Il file non è un'immagine: caricare una foto della carta (JPEG o PNG).",
        "The file is not an image: upload a photo of the card (JPEG or PNG).",
    ),
    "error_image_too_large": (
        "Immagine troppo grande: usare una foto di al massimo 12 megapixel.",
        "Image too large: use a photo of at most 12 megapixels.",
    ),
    "error_several_codes": (
        "Più di un codice nell'immagine: fotografare una carta alla volta.",
        "More than one code in the image: photograph one card at a time.",
    ),
    "storage_disk_full": ("Disco pieno", "Disk full"),
    "storage_database_damaged": ("Database danneggiato", "Database damaged"),
    "storage_disk_error": ("Errore del disco", "Disk error"),
    "storage_database_missing": ("Database mancante", "Database missing"),
    "storage_not_recorded": (
        "Quest'ultima operazione NON è stata registrata: non dare lo sconto finché non è registrato.",
        "This last operation was NOT recorded: do not give the discount until it is recorded.",
    ),
    "storage_disk_full_todo": (
        "Il disco del computer della cassa è pieno. Liberare spazio (o chiamare l'assistenza), poi ripetere "
        "l'operazione.",
        "The till computer's disk is full. Free some space (or call support), then repeat the operation.",
    ),
    "storage_database_damaged_todo": (
        "Il file dei dati della cassa è danneggiato. Non usare la cassa per gli sconti e chiamare "
        "l'assistenza: va ripristinato dall'ultima copia di sicurezza (docs/operations.md).",
        "The till's data file is damaged. Do not use the till for discounts and call support: it must be "
        "restored from the last backup (docs/operations.md).",
    ),
    "storage_disk_error_todo": (
        "Il disco del computer della cassa non risponde. Chiamare l'assistenza.",
        "The till computer's disk does not respond. Call support.",
    ),
    "storage_database_missing_todo": (
        "Il file dei dati della cassa non c'è. Chiamare l'assistenza.",
        "The till's data file is missing. Call support.",
    ),
    "storage_safe": (
        "Le operazioni già registrate (con la ricevuta) sono al sicuro.",
        "Operations already recorded (with a receipt) are safe.",
    ),
    "till": ("Cassa", "Till"),
    "verify": ("Verifica", "Verify"),
    "recent": ("Ultime operazioni", "Latest operations"),
    "time": ("Ora", "Time"),
    "offer": ("Offerta", "Offer"),
    "confirm_void": ("Annullare questa operazione?", "Void this operation?"),
    "confirm_close": (
        "Chiudere la giornata? La chiusura non si può modificare.",
        "Close the day? The close cannot be changed.",
    ),
    "today": ("Oggi", "Today"),
    "closes": ("Chiusure", "Closes"),
    "day": ("Giorno", "Day"),
    "closed_at": ("Chiusa alle", "Closed at"),
    "ledger_record": ("Registro, operazione", "Ledger record"),
    "month": ("Mese", "Month"),
    "show": ("Mostra", "Show"),
    "by_offer": ("Per offerta", "By offer"),
    "by_day": ("Per giorno", "By day"),
    "synced": (
        "Sincronizzato: {pushed} inviate, {pending} da inviare.",
        "Synced: {pushed} sent, {pending} pending.",
    ),
    "sync_refused": (
        "Sincronizzazione rifiutata dalla rete: {reason}",
        "Sync refused by the network: {reason}",
    ),
    "error_empty_scan": (
        "Nessun codice letto: passare di nuovo la carta.",
        "No code read: scan the card again.",
    ),
    "error_csrf_failed": (
        "Pagina scaduta: tornare alla cassa e riprovare.",
        "Page expired: go back and try again.",
    ),
    "error_not_loopback": (
        "La cassa si usa solo dal computer della cassa.",
        "The till can only be used from the till's own computer.",
    ),
    "error_invalid_month": ("Mese non valido: usare AAAA-MM.", "Invalid month: use YYYY-MM."),
    "language": ("English", "Italiano"),
    "min_spend_short": ("spesa minima {amount}", "minimum {amount}"),
    "warning": ("Attenzione", "Warning"),
}

t = Catalog(MESSAGES)


def verdict_message(code: str) -> str:
    italian, english = VERDICT_MESSAGES[code]
    return english if language() == "en" else italian
