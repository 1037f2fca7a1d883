//! The portal's two languages and how the one to answer in is chosen: the one asked
//! for by the switch (`?lang=`), else the one remembered from the switch (a cookie), else the
//! browser's first choice it speaks (`Accept-Language`, by quality), else English. The words
//! themselves are in `texts.rs`.

pub use crate::texts::{EN, Texts, ZH};

/// A language the portal speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

/// The cookie that remembers the switch.
pub const LANG_COOKIE: &str = "portal_lang";

impl Lang {
    /// The code in links and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The `lang` attribute of the page.
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-Hans",
        }
    }

    /// The other language, which the switch offers.
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Zh,
            Lang::Zh => Lang::En,
        }
    }

    /// Reads a language tag such as `zh-CN` or `en-GB` by its primary subtag.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }

    /// The language to answer in.
    pub fn choose(asked: Option<&str>, remembered: Option<&str>, accept: Option<&str>) -> Lang {
        asked
            .and_then(Lang::from_tag)
            .or_else(|| remembered.and_then(Lang::from_tag))
            .or_else(|| accept.and_then(from_accept_language))
            .unwrap_or(Lang::En)
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }
}

/// The browser's most preferred language the portal speaks (RFC 9110 quality values; equal
/// qualities keep the browser's order).
fn from_accept_language(header: &str) -> Option<Lang> {
    let mut ranked: Vec<(u16, Lang)> = header
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';');
            let lang = Lang::from_tag(parts.next()?)?;
            let quality =
                parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1000), |q| {
                        q.trim()
                            .parse::<f32>()
                            .ok()
                            .filter(|q| (0.0..=1.0).contains(q))
                            .map(|q| (q * 1000.0).round() as u16)
                    })?;
            (quality > 0).then_some((quality, lang))
        })
        .collect();
    ranked.sort_by_key(|(quality, _)| std::cmp::Reverse(*quality));
    ranked.first().map(|(_, lang)| *lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_switch_wins_then_the_cookie_then_the_browser() {
        assert_eq!(Lang::choose(Some("zh"), Some("en"), Some("en")), Lang::Zh);
        assert_eq!(Lang::choose(None, Some("zh"), Some("en-GB")), Lang::Zh);
        assert_eq!(
            Lang::choose(None, None, Some("zh-CN,zh;q=0.9,en;q=0.8")),
            Lang::Zh
        );
        assert_eq!(Lang::choose(Some("fr"), None, None), Lang::En);
        assert_eq!(Lang::choose(None, None, None), Lang::En);
    }

    #[test]
    fn browsers_are_answered_in_their_best_language_that_is_spoken_here() {
        assert_eq!(
            from_accept_language("fr-FR, zh-TW;q=0.7, en;q=0.5"),
            Some(Lang::Zh)
        );
        assert_eq!(from_accept_language("en;q=0.2, zh;q=0.9"), Some(Lang::Zh));
        assert_eq!(from_accept_language("zh;q=0, en-US"), Some(Lang::En));
        assert_eq!(from_accept_language("de, fr;q=0.5"), None);
        assert_eq!(from_accept_language("en;q=nonsense, zh"), Some(Lang::Zh));
        assert_eq!(from_accept_language(""), None);
    }
}
