//! The portal's two languages and every word it shows in them. The language is the one asked
//! for by the switch (`?lang=`), else the one remembered from the switch (a cookie), else the
//! browser's first choice it speaks (`Accept-Language`, by quality), else English.

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

/// Every text of the portal in one language. Texts with `{n}` have a number put in.
#[derive(Debug)]
pub struct Texts {
    pub site: &'static str,
    pub skip: &'static str,
    pub switch_to: &'static str,
    pub home_title: &'static str,
    pub home_intro: &'static str,
    pub report_link: &'static str,
    pub report_link_hint: &'static str,
    pub report_title: &'static str,
    pub report_intro: &'static str,
    pub name: &'static str,
    pub name_hint: &'static str,
    pub email: &'static str,
    pub email_hint: &'static str,
    pub summary: &'static str,
    pub summary_hint: &'static str,
    pub problem: &'static str,
    pub details: &'static str,
    pub details_hint: &'static str,
    pub impact: &'static str,
    pub impact_low: &'static str,
    pub impact_medium: &'static str,
    pub impact_high: &'static str,
    pub honeypot: &'static str,
    pub send_report: &'static str,
    pub optional: &'static str,
    pub error_summary: &'static str,
    pub required: &'static str,
    pub too_long: &'static str,
    pub bad_email: &'static str,
    pub bad_characters: &'static str,
    pub bad_choice: &'static str,
    pub expired_form: &'static str,
    pub thanks_title: &'static str,
    pub thanks_text: &'static str,
    pub ticket_title: &'static str,
    pub ticket_link_note: &'static str,
    pub reported: &'static str,
    pub state: &'static str,
    pub comments: &'static str,
    pub no_comments: &'static str,
    pub you: &'static str,
    pub add_comment: &'static str,
    pub comment: &'static str,
    pub send_comment: &'static str,
    pub comment_refused: &'static str,
    pub closed_note: &'static str,
    pub desk: &'static str,
    pub not_sent: &'static str,
    pub error_prefix: &'static str,
    pub cross_site: &'static str,
    pub states: [(&'static str, &'static str); 6],
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub error_title: &'static str,
    pub too_many: &'static str,
    pub too_large: &'static str,
    pub bad_request: &'static str,
    pub unavailable: &'static str,
    pub back_home: &'static str,
}

impl Texts {
    /// A record state in words.
    pub fn state_name(&self, state: &str) -> String {
        self.states
            .iter()
            .find(|(code, _)| *code == state)
            .map_or_else(|| state.replace('_', " "), |(_, name)| (*name).to_owned())
    }

    pub fn too_long(&self, max: usize) -> String {
        self.too_long.replace("{n}", &max.to_string())
    }
}

pub static EN: Texts = Texts {
    site: "IT service desk",
    skip: "Skip to the content",
    switch_to: "中文",
    home_title: "How can we help?",
    home_intro: "Tell us what is wrong and follow what happens to it. No account is needed.",
    report_link: "Report a problem",
    report_link_hint: "Something does not work as it should.",
    report_title: "Report a problem",
    report_intro: "Tell us what is wrong. We answer on the page you get after sending; keep its address.",
    name: "Your name",
    name_hint: "So that we know whom to ask.",
    email: "Your e-mail address",
    email_hint: "For example name@example.org.",
    summary: "What is wrong, in a few words",
    summary_hint: "For example: Printer on floor 2 prints blank pages.",
    problem: "Problem",
    details: "Details",
    details_hint: "Since when, what you tried, any error message.",
    impact: "Who is affected?",
    impact_low: "Only me",
    impact_medium: "My team",
    impact_high: "Many people or a whole site",
    honeypot: "Leave this field empty",
    send_report: "Send the report",
    optional: " (optional)",
    error_summary: "There is a problem",
    required: "Fill this in.",
    too_long: "Use at most {n} characters.",
    bad_email: "Enter an e-mail address such as name@example.org.",
    bad_characters: "Remove the special characters that cannot be stored.",
    bad_choice: "Choose one of the options.",
    expired_form: "The form had expired, so nothing was sent. Everything you typed is still here: send it again.",
    thanks_title: "Thank you",
    thanks_text: "Your report was received.",
    ticket_title: "Your report",
    ticket_link_note: "Keep the address of this page: it is how you follow your report. Anyone with it can read it.",
    reported: "Reported",
    state: "State",
    comments: "Messages",
    no_comments: "No messages yet.",
    you: "You",
    add_comment: "Add a message",
    comment: "Your message",
    send_comment: "Send the message",
    comment_refused: "The message could not be added. Try again later.",
    closed_note: "This report is closed. To tell us more, report a new problem.",
    desk: "Service desk",
    not_sent: "The report could not be sent just now. Everything you typed is still here: try again in a moment.",
    error_prefix: "Error: ",
    cross_site: "This form was sent from another site, so nothing was sent. Fill it in here.",
    states: [
        ("new", "Received"),
        ("in_progress", "Being worked on"),
        ("on_hold", "On hold"),
        ("resolved", "Resolved"),
        ("closed", "Closed"),
        ("cancelled", "Cancelled"),
    ],
    not_found_title: "Page not found",
    not_found_text: "There is no such page. If you followed a link to your report, check that you copied all of it.",
    error_title: "Something went wrong",
    too_many: "Too many requests from your address. Wait a minute and try again.",
    too_large: "What you sent is too large.",
    bad_request: "The page could not read what was sent. Go back and try again.",
    unavailable: "The portal is not available right now. Try again later.",
    back_home: "Back to the start",
};

pub static ZH: Texts = Texts {
    site: "IT 服务台",
    skip: "跳到正文",
    switch_to: "English",
    home_title: "需要什么帮助？",
    home_intro: "告诉我们出了什么问题，并随时查看处理进展。无需账户。",
    report_link: "报告问题",
    report_link_hint: "有东西不能正常工作。",
    report_title: "报告问题",
    report_intro: "请告诉我们出了什么问题。提交后您会看到一个页面，我们会在那里答复；请保存该页面的地址。",
    name: "您的姓名",
    name_hint: "以便我们知道该联系谁。",
    email: "您的电子邮件地址",
    email_hint: "例如 name@example.org。",
    summary: "简要说明问题",
    summary_hint: "例如：二楼打印机打出空白页。",
    problem: "问题",
    details: "详细情况",
    details_hint: "从什么时候开始、您尝试过什么、有无错误信息。",
    impact: "影响了谁？",
    impact_low: "只有我",
    impact_medium: "我的团队",
    impact_high: "很多人或整个场所",
    honeypot: "请勿填写此栏",
    send_report: "提交报告",
    optional: "（可选）",
    error_summary: "有问题需要更正",
    required: "请填写此项。",
    too_long: "最多 {n} 个字符。",
    bad_email: "请输入电子邮件地址，例如 name@example.org。",
    bad_characters: "请删除无法保存的特殊字符。",
    bad_choice: "请选择其中一项。",
    expired_form: "表单已过期，因此没有提交。您输入的内容都还在，请重新提交。",
    thanks_title: "谢谢",
    thanks_text: "我们已收到您的报告。",
    ticket_title: "您的报告",
    ticket_link_note: "请保存此页面的地址：您要通过它查看报告。任何拥有此地址的人都可以阅读。",
    reported: "报告时间",
    state: "状态",
    comments: "留言",
    no_comments: "还没有留言。",
    you: "您",
    add_comment: "添加留言",
    comment: "您的留言",
    send_comment: "发送留言",
    comment_refused: "暂时无法添加留言，请稍后再试。",
    closed_note: "此报告已关闭。如需补充，请报告新问题。",
    desk: "服务台",
    not_sent: "报告暂时无法提交。您输入的内容都还在，请稍后再试。",
    error_prefix: "错误：",
    cross_site: "此表单是从其他网站提交的，因此没有提交。请在这里填写。",
    states: [
        ("new", "已收到"),
        ("in_progress", "处理中"),
        ("on_hold", "暂停"),
        ("resolved", "已解决"),
        ("closed", "已关闭"),
        ("cancelled", "已取消"),
    ],
    not_found_title: "找不到页面",
    not_found_text: "没有这个页面。如果您是通过报告链接来的，请检查链接是否完整。",
    error_title: "出错了",
    too_many: "来自您地址的请求过多。请等一分钟再试。",
    too_large: "您提交的内容太大。",
    bad_request: "页面无法读取提交的内容。请返回重试。",
    unavailable: "门户暂时不可用，请稍后再试。",
    back_home: "返回首页",
};

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

    #[test]
    fn states_have_words_in_both_languages() {
        assert_eq!(EN.state_name("in_progress"), "Being worked on");
        assert_eq!(ZH.state_name("resolved"), "已解决");
        assert_eq!(EN.state_name("odd_state"), "odd state");
        assert_eq!(ZH.too_long(160), "最多 160 个字符。");
    }
}
