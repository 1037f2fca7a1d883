//! The frame every portal page shares: the language, a skip link, the header with the switch to
//! the other language, and a small style sheet. Pages are whole HTML documents that work
//! without JavaScript; maud escapes every value put into them.

use crate::lang::{LANG_COOKIE, Lang};
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// Plain, readable and keyboard-friendly: visible focus, large targets, errors in red with a
/// bar, the honeypot out of sight (not `display: none`, which some robots skip).
const STYLE: &str = "
body{font:1.05rem/1.5 system-ui,-apple-system,'Segoe UI','PingFang SC','Noto Sans CJK SC',sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
header{background:#0b3d62;color:#fff;padding:.75rem 1rem;display:flex;justify-content:space-between;align-items:center}
header a{color:#fff}
main{max-width:40rem;margin:0 auto;padding:1rem}
a{color:#0b5394}
a:focus,input:focus,textarea:focus,select:focus,button:focus{outline:3px solid #0b0c0c;outline-offset:0;box-shadow:0 0 0 6px #f9a825}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;color:#000;padding:.5rem}
label{display:block;font-weight:600;margin-top:1.25rem}
.hint{display:block;color:#555;font-weight:400}
input,textarea,select{display:block;width:100%;box-sizing:border-box;font:inherit;padding:.5rem;border:2px solid #555;border-radius:4px;margin-top:.25rem}
textarea{min-height:8rem}
button{margin-top:1.5rem;font:inherit;font-weight:600;padding:.6rem 1.2rem;background:#00703c;color:#fff;border:0;border-radius:4px;cursor:pointer}
.field-error input,.field-error textarea,.field-error select{border-color:#b00020}
.error{color:#b00020;font-weight:600;display:block}
.summary{border:4px solid #b00020;padding:1rem;margin:1rem 0;background:#fff}
.summary h2{margin-top:0}
.notice{border-left:6px solid #0b5394;padding:.5rem 1rem;background:#fff}
.trap{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}
.message{background:#fff;border:1px solid #ccc;border-radius:4px;padding:.5rem 1rem;margin:.5rem 0;white-space:pre-wrap}
.message small{color:#555;display:block;white-space:normal}
fieldset{border:0;padding:0;margin:1.25rem 0 0}legend{font-weight:600;padding:0}
.option{display:flex;align-items:center;gap:.5rem;margin-top:.4rem}
.option input{width:1.4rem;height:1.4rem;margin:0;flex:none}.option label{font-weight:400;margin:0}
.tag{font-size:.85rem;background:#e7f1e9;color:#00542a;border-radius:3px;padding:0 .4rem;white-space:nowrap}
.entries li{margin:.5rem 0}.prose{white-space:pre-wrap}
";

/// A whole page at `here` (its address, which the language switch reloads): `title` in the tab
/// and as the heading, `body` under it.
pub fn document(lang: Lang, here: &str, title: &str, body: Markup) -> Markup {
    form_document(lang, here, false, title, body)
}

/// A page with a form; when it shows `mistakes`, its tab title starts with "Error: ", so a
/// screen reader says so first.
pub fn form_document(lang: Lang, here: &str, mistakes: bool, title: &str, body: Markup) -> Markup {
    let texts = lang.texts();
    let prefix = if mistakes { texts.error_prefix } else { "" };
    let other = lang.other();
    html! {
        (DOCTYPE)
        html lang=(lang.html_lang()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (prefix) (title) " – " (texts.site) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                a.skip href="#content" { (texts.skip) }
                header {
                    a href="/portal" { (texts.site) }
                    a href={ (here) (if here.contains('?') { "&" } else { "?" }) "lang=" (other.code()) } lang=(other.html_lang()) hreflang=(other.html_lang()) {
                        (texts.switch_to)
                    }
                }
                main #content {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// A page as a response: its status, HTML, never cached (it may carry a form token), and the
/// language remembered when the switch asked for it.
pub fn respond(status: StatusCode, markup: Markup, remember: Option<Lang>) -> Response {
    let mut response = (status, markup.into_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if let Some(lang) = remember {
        let cookie = format!(
            "{LANG_COOKIE}={}; Path=/portal; Max-Age=31536000; SameSite=Lax",
            lang.code()
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_say_their_language_and_offer_the_other() {
        let page = document(
            Lang::Zh,
            "/portal/report",
            "报告问题",
            html! { p { "<script>" } },
        )
        .into_string();
        assert!(page.starts_with("<!DOCTYPE html><html lang=\"zh-Hans\">"));
        assert!(page.contains("<title>报告问题 – IT 服务台</title>"));
        assert!(page.contains("hreflang=\"en\">English</a>"), "{page}");
        assert!(page.contains("href=\"/portal/report?lang=en\""));
        assert!(page.contains("&lt;script&gt;"), "values are escaped");
    }
}
