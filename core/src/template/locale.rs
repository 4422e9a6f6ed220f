//! Prices and expiry badges as a locale writes them. A small table of the locales creators post in
//! (CLDR's patterns for them, checked by hand) rather than ICU's data: a few kilobytes instead of
//! megabytes, and anything outside it is refused, never guessed.

/// How a locale writes money and dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locale {
    pub tag: &'static str,
    decimal: char,
    /// Thousands separator.
    group: char,
    /// Where the currency sign goes: before the amount (`"$12.50"`, `"R$ 12,50"` with `space`) or after (`"12,50 €"`).
    sign_before: bool,
    /// A space between sign and amount.
    space: bool,
    /// Weekdays, Monday first, abbreviated.
    weekdays: [&'static str; 7],
    months: [&'static str; 12],
    /// The badge: `{when}` is the weekday and time (or day and month).
    ends: &'static str,
    /// Day before month in a date without time ("So. 13. Dez." vs "Sun 13 Dec").
    day_suffix: &'static str,
}

const EN_DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const EN_MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DE_DAYS: [&str; 7] = ["Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."];
const DE_MONTHS: [&str; 12] = ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."];
const FR_DAYS: [&str; 7] = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."];
const FR_MONTHS: [&str; 12] = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];
const ES_DAYS: [&str; 7] = ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"];
const ES_MONTHS: [&str; 12] = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"];
const IT_DAYS: [&str; 7] = ["lun", "mar", "mer", "gio", "ven", "sab", "dom"];
const IT_MONTHS: [&str; 12] = ["gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"];
const NL_DAYS: [&str; 7] = ["ma", "di", "wo", "do", "vr", "za", "zo"];
const NL_MONTHS: [&str; 12] = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"];
const PT_DAYS: [&str; 7] = ["seg.", "ter.", "qua.", "qui.", "sex.", "sáb.", "dom."];
const PT_MONTHS: [&str; 12] = ["jan.", "fev.", "mar.", "abr.", "mai.", "jun.", "jul.", "ago.", "set.", "out.", "nov.", "dez."];
const SV_DAYS: [&str; 7] = ["mån", "tis", "ons", "tors", "fre", "lör", "sön"];
const SV_MONTHS: [&str; 12] = ["jan.", "feb.", "mars", "apr.", "maj", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "dec."];
const PL_DAYS: [&str; 7] = ["pon.", "wt.", "śr.", "czw.", "pt.", "sob.", "niedz."];
const PL_MONTHS: [&str; 12] = ["sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru"];

const fn en(tag: &'static str) -> Locale {
    Locale { tag, decimal: '.', group: ',', sign_before: true, space: false, weekdays: EN_DAYS, months: EN_MONTHS, ends: "ends {when}", day_suffix: "" }
}

/// Narrow no-break space: French and Polish group with it, and no line break falls inside a price.
const NNBSP: char = '\u{202F}';
/// No-break space between amount and sign.
const NBSP: char = '\u{00A0}';

const LOCALES: &[Locale] = &[
    en("en-US"),
    en("en-GB"),
    en("en-CA"),
    en("en-AU"),
    Locale { tag: "de-DE", decimal: ',', group: '.', sign_before: false, space: true, weekdays: DE_DAYS, months: DE_MONTHS, ends: "endet {when}", day_suffix: "." },
    Locale { tag: "de-AT", decimal: ',', group: NNBSP, sign_before: true, space: true, weekdays: DE_DAYS, months: DE_MONTHS, ends: "endet {when}", day_suffix: "." },
    Locale { tag: "fr-FR", decimal: ',', group: NNBSP, sign_before: false, space: true, weekdays: FR_DAYS, months: FR_MONTHS, ends: "fin {when}", day_suffix: "" },
    Locale { tag: "es-ES", decimal: ',', group: '.', sign_before: false, space: true, weekdays: ES_DAYS, months: ES_MONTHS, ends: "termina {when}", day_suffix: "" },
    Locale { tag: "it-IT", decimal: ',', group: '.', sign_before: false, space: true, weekdays: IT_DAYS, months: IT_MONTHS, ends: "termina {when}", day_suffix: "" },
    Locale { tag: "nl-NL", decimal: ',', group: '.', sign_before: true, space: true, weekdays: NL_DAYS, months: NL_MONTHS, ends: "eindigt {when}", day_suffix: "" },
    Locale { tag: "pt-BR", decimal: ',', group: '.', sign_before: true, space: true, weekdays: PT_DAYS, months: PT_MONTHS, ends: "termina {when}", day_suffix: "" },
    Locale { tag: "sv-SE", decimal: ',', group: NNBSP, sign_before: false, space: true, weekdays: SV_DAYS, months: SV_MONTHS, ends: "slutar {when}", day_suffix: "" },
    Locale { tag: "pl-PL", decimal: ',', group: NNBSP, sign_before: false, space: true, weekdays: PL_DAYS, months: PL_MONTHS, ends: "do {when}", day_suffix: "" },
];

/// The locale used when none is given.
pub const DEFAULT_LOCALE: &str = "en-US";

impl Locale {
    /// A locale by BCP 47 tag ("de-DE", "de_DE" or just "de" for its first region here).
    pub fn find(tag: &str) -> Result<Locale, String> {
        let t = tag.trim().replace('_', "-");
        let exact = LOCALES.iter().find(|l| l.tag.eq_ignore_ascii_case(&t));
        let lang = || LOCALES.iter().find(|l| !t.contains('-') && l.tag.split('-').next().is_some_and(|lg| lg.eq_ignore_ascii_case(&t)));
        exact.or_else(lang).copied().ok_or_else(|| {
            let known: Vec<&str> = LOCALES.iter().map(|l| l.tag).collect();
            format!("locale '{}' is not one of {}", crate::error::snippet(tag), known.join(", "))
        })
    }

    pub fn tags() -> Vec<&'static str> {
        LOCALES.iter().map(|l| l.tag).collect()
    }

    /// "12,50 €" (de-DE) or "$12.50" (en-US) from an amount as written and a currency's sign and
    /// minor digits.
    pub fn money(&self, int: &str, frac: &str, decimals: u32, sign: &str) -> String {
        let mut n = String::new();
        let digits: Vec<char> = int.chars().collect();
        for (i, c) in digits.iter().enumerate() {
            // Group thousands, but not a four-digit amount in locales whose CLDR minimum grouping is 2.
            let left = digits.len() - i;
            if i > 0 && left.is_multiple_of(3) && (digits.len() > 4 || !self.min_grouping_two()) {
                n.push(self.group);
            }
            n.push(*c);
        }
        if decimals > 0 {
            n.push(self.decimal);
            n.push_str(frac);
            n.extend(std::iter::repeat_n('0', decimals as usize - frac.len()));
        }
        // A sign that is letters ("CHF", "kr") always stands apart from the digits.
        let letters = sign.chars().all(|c| c.is_alphabetic());
        let space = if self.space || letters { NBSP.to_string() } else { String::new() };
        if self.sign_before { format!("{sign}{space}{n}") } else { format!("{n}{space}{sign}") }
    }

    fn min_grouping_two(&self) -> bool {
        matches!(self.tag, "es-ES" | "pl-PL")
    }

    /// "Sun 18:00" / "So. 18:00" with a time, "Sun 13 Dec" / "So. 13. Dez." without.
    pub fn when(&self, weekday_mon0: usize, day: u32, month1: u32, time: Option<(u32, u32)>) -> String {
        let wd = self.weekdays[weekday_mon0 % 7];
        match time {
            Some((h, m)) => format!("{wd} {h:02}:{m:02}"),
            None => format!("{wd} {day}{} {}", self.day_suffix, self.months[(month1 as usize + 11) % 12]),
        }
    }

    /// The expiry badge: "ends Sun 18:00", "endet So. 18:00".
    pub fn ends(&self, when: &str) -> String {
        self.ends.replace("{when}", when)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_per_locale() {
        let de = Locale::find("de-DE").unwrap();
        assert_eq!(de.money("12", "5", 2, "€"), "12,50\u{a0}€");
        assert_eq!(de.money("1234", "", 2, "€"), "1.234,00\u{a0}€");
        let us = Locale::find("en-US").unwrap();
        assert_eq!(us.money("12", "5", 2, "$"), "$12.50");
        assert_eq!(us.money("1200", "", 0, "¥"), "¥1,200");
        assert_eq!(us.money("99", "", 2, "CHF"), "CHF\u{a0}99.00");
        assert_eq!(Locale::find("es-ES").unwrap().money("1234", "", 2, "€"), "1234,00\u{a0}€");
        assert_eq!(Locale::find("pt-BR").unwrap().money("12", "5", 2, "R$"), "R$\u{a0}12,50");
        assert_eq!(Locale::find("de").unwrap().tag, "de-DE");
        assert_eq!(Locale::find("fr_fr").unwrap().tag, "fr-FR");
        assert!(Locale::find("xx-YY").unwrap_err().contains("not one of"));
    }
}
