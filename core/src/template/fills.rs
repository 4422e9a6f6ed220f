//! What a creator puts in the slots, and each value checked and formatted as the video shows it.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::locale::Locale;

/// One slot's value. In JSON: `{ "kind": "price", "amount": "12.50", "currency": "EUR" }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Fill {
    /// A video; `start`/`end` (source seconds) for slots whose part is `trim`.
    Clip {
        path: PathBuf,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        end: Option<f64>,
    },
    Image { path: PathBuf },
    Text { text: String },
    /// `amount` as written ("12.50"), `currency` an ISO 4217 code.
    Price { amount: String, currency: String },
    /// `code`: the short code the app's redirect service uses (default: derived from the link).
    Link {
        url: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<String>,
    },
    /// `#RRGGBB`.
    Color { color: String },
    /// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` (local time of the offer).
    Date { date: String },
}

impl Fill {
    pub fn kind(&self) -> super::SlotKind {
        use super::SlotKind as K;
        match self {
            Fill::Clip { .. } => K::Clip,
            Fill::Image { .. } => K::Image,
            Fill::Text { .. } => K::Text,
            Fill::Price { .. } => K::Price,
            Fill::Link { .. } => K::Link,
            Fill::Color { .. } => K::Color,
            Fill::Date { .. } => K::Date,
        }
    }
}

/// ISO 4217 codes clipforge formats: (code, minor-unit digits, sign). A short table of the
/// currencies creators sell in; others are refused rather than guessed.
const CURRENCIES: &[(&str, u32, &str)] = &[
    ("EUR", 2, "€"),
    ("USD", 2, "$"),
    ("GBP", 2, "£"),
    ("JPY", 0, "¥"),
    ("CNY", 2, "CN¥"),
    ("KRW", 0, "₩"),
    ("INR", 2, "₹"),
    ("CHF", 2, "CHF"),
    ("CAD", 2, "CA$"),
    ("AUD", 2, "A$"),
    ("BRL", 2, "R$"),
    ("MXN", 2, "MX$"),
    ("SEK", 2, "kr"),
    ("NOK", 2, "kr"),
    ("DKK", 2, "kr."),
    ("PLN", 2, "zł"),
    ("TRY", 2, "₺"),
    ("KWD", 3, "KWD"),
];

/// The ISO 4217 codes [`format_price`] knows.
pub fn currencies() -> Vec<&'static str> {
    CURRENCIES.iter().map(|c| c.0).collect()
}

/// The price as `locale` writes it: ("12.5", "EUR") is "12,50 €" in de-DE and "€12.50" in en-US.
/// The amount may have at most the currency's minor digits.
pub fn format_price(amount: &str, currency: &str, locale: &Locale) -> Result<String, String> {
    let Some(&(code, decimals, sign)) = CURRENCIES.iter().find(|c| c.0 == currency) else {
        return Err(format!("currency '{}' is not one of {}", crate::error::snippet(currency), currencies().join(", ")));
    };
    let a = amount.trim();
    let (int, frac) = a.split_once('.').unwrap_or((a, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if int.is_empty() || int.len() > 9 || !digits(int) || !digits(frac) {
        return Err(format!("amount '{}' is not a number like 12.50", crate::error::snippet(amount)));
    }
    if frac.len() as u32 > decimals {
        return Err(format!("amount '{a}' has {} decimals; {code} has {decimals}", frac.len()));
    }
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    Ok(locale.money(int, frac, decimals, sign))
}

/// The expiry badge from ISO `YYYY-MM-DD[THH:MM]`, as `locale` writes it: "ends Sun 18:00",
/// "endet So. 18:00" (or "ends Sun 13 Dec" for a date without time).
pub fn format_date(date: &str, locale: &Locale) -> Result<String, String> {
    let bad = || format!("date '{}' is not YYYY-MM-DD or YYYY-MM-DDTHH:MM", crate::error::snippet(date));
    let (day, time) = match date.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (date, None),
    };
    let num = |s: &str, n: usize| (s.len() == n && s.chars().all(|c| c.is_ascii_digit())).then(|| s.parse::<i64>().ok()).flatten();
    let parts: Vec<&str> = day.split('-').collect();
    let [y, m, d] = parts.as_slice() else { return Err(bad()) };
    let (y, m, d) = (num(y, 4).ok_or_else(bad)?, num(m, 2).ok_or_else(bad)?, num(d, 2).ok_or_else(bad)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&m) || d < 1 || d > month_days[(m - 1) as usize] {
        return Err(bad());
    }
    // 1970-01-01 was a Thursday (index 3, Monday first).
    let weekday = (days_from_civil(y, m, d) + 3).rem_euclid(7) as usize;
    let time = match time {
        Some(t) => {
            let (h, mi) = t.split_once(':').ok_or_else(bad)?;
            let (h, mi) = (num(h, 2).ok_or_else(bad)?, num(mi, 2).ok_or_else(bad)?);
            if h > 23 || mi > 59 {
                return Err(bad());
            }
            Some((h as u32, mi as u32))
        }
        None => None,
    };
    Ok(locale.ends(&locale.when(weekday, d as u32, m as u32, time)))
}

/// Days since 1970-01-01 (a Thursday), proleptic Gregorian (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `#RRGGBB` as RGB.
pub fn parse_color(s: &str) -> Result<[u8; 3], String> {
    let bad = || format!("colour '{}' is not #RRGGBB", crate::error::snippet(s));
    let h = s.strip_prefix('#').filter(|h| h.len() == 6 && h.chars().all(|c| c.is_ascii_hexdigit())).ok_or_else(bad)?;
    let v = u32::from_str_radix(h, 16).map_err(|_| bad())?;
    Ok([(v >> 16) as u8, (v >> 8) as u8, v as u8])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(t: &str) -> Locale {
        Locale::find(t).unwrap()
    }

    #[test]
    fn prices_follow_the_currency_and_locale() {
        let us = loc("en-US");
        assert_eq!(format_price("12.5", "EUR", &loc("de-DE")).unwrap(), "12,50\u{a0}€");
        assert_eq!(format_price("12.5", "USD", &us).unwrap(), "$12.50");
        assert_eq!(format_price("12.5", "EUR", &us).unwrap(), "€12.50");
        assert_eq!(format_price("1200", "JPY", &us).unwrap(), "¥1,200");
        assert_eq!(format_price("99", "SEK", &loc("sv-SE")).unwrap(), "99,00\u{a0}kr");
        assert_eq!(format_price("007", "GBP", &loc("en-GB")).unwrap(), "£7.00");
        assert!(format_price("12.50", "JPY", &us).unwrap_err().contains("JPY has 0"));
        assert!(format_price("12.50", "XXX", &us).unwrap_err().contains("not one of"));
        assert!(format_price("-3", "EUR", &us).is_err());
        assert!(format_price("1e3", "EUR", &us).is_err());
    }

    #[test]
    fn dates_show_their_weekday_in_the_locale() {
        assert_eq!(format_date("2026-12-13T18:00", &loc("en-US")).unwrap(), "ends Sun 18:00");
        assert_eq!(format_date("2026-12-13T18:00", &loc("de-DE")).unwrap(), "endet So. 18:00");
        assert_eq!(format_date("2024-02-29", &loc("en-GB")).unwrap(), "ends Thu 29 Feb");
        assert_eq!(format_date("2026-12-13", &loc("de-DE")).unwrap(), "endet So. 13. Dez.");
        assert_eq!(format_date("2026-12-14T09:30", &loc("fr-FR")).unwrap(), "fin lun. 09:30");
        assert!(format_date("2026-02-29", &loc("en-US")).is_err());
        assert!(format_date("2026-12-13T25:00", &loc("en-US")).is_err());
    }
}
