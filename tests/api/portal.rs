//! The customer portal over HTTP, as a browser without JavaScript uses it: forms fetched and
//! posted with their cookies, redirects read by hand. A report becomes one incident however
//! often its form is sent, mistakes come back with everything typed, robots and forged posts
//! record nothing, and a report's page opens only with its own key. The browser tests
//! (`tests/browser`) drive the same pages in Chromium.

use crate::channels::incident_count;
use itsm_api_tests::TestApp;
use reqwest::{Client, StatusCode, redirect};
use serde_json::{Value, json};

/// A browser without JavaScript: keeps its cookies, does not follow redirects on its own.
pub(crate) struct Browser {
    client: Client,
    cookies: Vec<String>,
    accept_language: &'static str,
}

/// A page as the browser got it.
pub(crate) struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub html: String,
}

impl Browser {
    pub fn new(accept_language: &'static str) -> Self {
        Self {
            client: Client::builder()
                .redirect(redirect::Policy::none())
                .build()
                .expect("client"),
            cookies: Vec::new(),
            accept_language,
        }
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> Page {
        let request = request
            .header("accept-language", self.accept_language)
            .header("cookie", self.cookies.join("; "));
        let response = request.send().await.expect("sent");
        for cookie in response.headers().get_all("set-cookie") {
            let pair = cookie
                .to_str()
                .expect("text")
                .split(';')
                .next()
                .unwrap_or_default();
            let name = pair.split('=').next().unwrap_or_default().to_owned();
            self.cookies.retain(|c| !c.starts_with(&format!("{name}=")));
            self.cookies.push(pair.to_owned());
        }
        let page = Page {
            status: response.status(),
            location: response
                .headers()
                .get("location")
                .map(|l| l.to_str().expect("text").to_owned()),
            html: response.text().await.expect("body"),
        };
        assert_ids_unique(&page.html);
        page
    }

    pub async fn get(&mut self, app: &TestApp, path: &str) -> Page {
        let request = self.client.get(app.url(path));
        self.send(request).await
    }

    pub async fn post(&mut self, app: &TestApp, path: &str, fields: &[(&str, &str)]) -> Page {
        let request = self
            .client
            .post(app.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(fields).expect("form"));
        self.send(request).await
    }
}

/// Every page's element ids are unique: a label or a summary link whose field shares an id with
/// the page's frame (its `main`, say) leads nowhere.
fn assert_ids_unique(html: &str) {
    let mut seen = std::collections::HashSet::new();
    for id in html
        .split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
    {
        assert!(
            seen.insert(id),
            "the id {id} appears twice on a page:\n{html}"
        );
    }
}

/// The value of the hidden form token on a page.
pub(crate) fn form_token(html: &str) -> String {
    let start = html
        .find("name=\"form_token\" value=\"")
        .expect("a form token")
        + 25;
    html[start..].split('"').next().expect("value").to_owned()
}

/// The portal's account: a customer contact of acme, as the README sets it up.
pub(crate) async fn portal_account(app: &TestApp) {
    app.customer("acme").await;
    app.user_with("portal", &[("customer", Some("customer:acme"))])
        .await;
}

pub(crate) async fn report(browser: &mut Browser, app: &TestApp, fields: &[(&str, &str)]) -> Page {
    let form = browser.get(app, "/portal/report").await;
    assert_eq!(form.status, 200, "{}", form.html);
    let token = form_token(&form.html);
    let mut posted = vec![("form_token", token.as_str()), ("website", "")];
    posted.extend_from_slice(fields);
    browser.post(app, "/portal/report", &posted).await
}

pub(crate) const GOOD: [(&str, &str); 5] = [
    ("name", "Cy Young"),
    ("email", "cy@acme.example"),
    ("summary", "Printer <b>prints</b> blank pages"),
    ("details", "Since Monday.\nTried a new cartridge."),
    ("impact", "medium"),
];

#[tokio::test]
async fn a_report_becomes_an_incident_whose_page_opens_with_its_key_only() {
    let app = TestApp::spawn().await;
    portal_account(&app).await;
    let mut browser = Browser::new("en-GB,en;q=0.9");

    let home = browser.get(&app, "/portal").await;
    assert_eq!(home.status, 200);
    assert!(
        home.html.contains("<html lang=\"en\">") && home.html.contains("href=\"/portal/report\"")
    );

    let sent = report(&mut browser, &app, &GOOD).await;
    assert_eq!(sent.status, 303, "{}", sent.html);
    let address = sent.location.expect("the report's address");
    assert!(
        address.starts_with("/portal/tickets/INC0000001/"),
        "{address}"
    );
    let page = browser.get(&app, &address).await;
    assert_eq!(page.status, 200);
    assert!(
        page.html
            .contains("Printer &lt;b&gt;prints&lt;/b&gt; blank pages"),
        "escaped"
    );
    assert!(page.html.contains("Received"), "its state, in words");

    let incident: Value = app
        .get("/api/v1/incidents/INC0000001")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        (
            incident["channel"].clone(),
            incident["caller"].clone(),
            incident["customer"].clone()
        ),
        (json!("web"), json!("portal"), json!("acme"))
    );
    assert_eq!(incident["impact"], "medium");
    assert_eq!(
        incident["description"],
        "Reported through the portal by Cy Young <cy@acme.example>.\n\nSince Monday.\nTried a new cartridge."
    );

    // Any other key, or this key on another report, is a page that does not exist.
    let key = address.rsplit('/').next().expect("key");
    for wrong in [
        format!("/portal/tickets/INC0000001/{}", "A".repeat(22)),
        format!("/portal/tickets/INC0000002/{key}"),
        "/portal/tickets/INC0000001".to_owned(),
    ] {
        let missing = browser.get(&app, &wrong).await;
        assert_eq!(missing.status, 404, "{wrong}");
        assert!(missing.html.contains("Page not found"));
    }

    // A message from the visitor, then one from the desk, both on the page.
    let token = form_token(&page.html);
    let comment_path = format!("{address}/comments");
    let message = [
        ("form_token", token.as_str()),
        ("website", ""),
        ("comment", "It is urgent <now>"),
    ];
    let added = browser.post(&app, &comment_path, &message).await;
    assert_eq!(added.status, 303);
    let again = browser.post(&app, &comment_path, &message).await;
    assert_eq!(again.status, 303, "the same form sent twice");
    let reply = app
        .post(
            "/api/v1/incidents/INC0000001/comments",
            &json!({"body": "A technician is on the way."}),
        )
        .await;
    assert_eq!(reply.status(), 201);
    let note = app
        .post(
            "/api/v1/incidents/INC0000001/work-notes",
            &json!({"body": "Internal: blame vendor X"}),
        )
        .await;
    assert_eq!(note.status(), 201);
    let page = browser.get(&app, &address).await;
    assert_eq!(
        page.html.matches("It is urgent &lt;now&gt;").count(),
        1,
        "added once"
    );
    assert!(page.html.contains("A technician is on the way."));
    assert!(
        page.html.contains("<strong>You</strong>")
            && page.html.contains("<strong>Service desk</strong>")
    );
    assert!(
        !page.html.contains("vendor X"),
        "never the desk's work notes"
    );
    assert!(
        !page.html.contains("cy@acme.example"),
        "nor the reporter's address"
    );

    // A long message in Chinese, near the limit, is taken whole.
    let long = "体".repeat(4000);
    let token = form_token(&page.html);
    let sent = browser
        .post(
            &app,
            &comment_path,
            &[
                ("form_token", token.as_str()),
                ("website", ""),
                ("comment", &long),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.html);

    // A cancelled report takes no more messages, and says where to go instead.
    let cancelled = app
        .transition(&json!(1), "cancel", &json!({"reason": "Raised twice"}))
        .await;
    assert_eq!(cancelled.status(), 200);
    let page = browser.get(&app, &address).await;
    assert!(page.html.contains("This report is closed") && !page.html.contains("name=\"comment\""));
    let token = form_token(&browser.get(&app, "/portal/report").await.html);
    let refused = browser
        .post(
            &app,
            &comment_path,
            &[
                ("form_token", token.as_str()),
                ("website", ""),
                ("comment", "Hello?"),
            ],
        )
        .await;
    assert_eq!(refused.status, 409);

    // The headers every page carries.
    let response = app
        .client
        .get(app.url(&address))
        .send()
        .await
        .expect("sent");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().expect("text").to_owned())
            .unwrap_or_default()
    };
    assert_eq!(header("cache-control"), "no-store");
    assert_eq!(
        header("referrer-policy"),
        "no-referrer",
        "the key is in the address"
    );
    assert!(header("content-security-policy").contains("default-src 'none'"));
    assert!(
        header("set-cookie").contains("HttpOnly") && header("set-cookie").contains("SameSite=Lax")
    );
}

#[tokio::test]
async fn mistakes_come_back_with_everything_typed_in_the_visitors_language() {
    let app = TestApp::spawn().await;
    portal_account(&app).await;
    let mut browser = Browser::new("zh-CN,zh;q=0.9,en;q=0.5");

    let sent = report(
        &mut browser,
        &app,
        &[
            ("name", "王芳"),
            ("email", "wang@"),
            ("summary", ""),
            ("details", "打印机坏了 <script>alert(1)</script>"),
            ("impact", "high"),
        ],
    )
    .await;
    assert_eq!(sent.status, 422);
    let html = &sent.html;
    assert!(html.contains("<html lang=\"zh-Hans\">"));
    assert!(html.contains("有问题需要更正"), "the error summary");
    assert!(html.contains("href=\"#summary\"") && html.contains("请填写此项。"));
    assert!(html.contains("href=\"#email\"") && html.contains("请输入电子邮件地址"));
    assert!(html.contains("value=\"王芳\"") && html.contains("value=\"wang@\""));
    assert!(html.contains("打印机坏了 &lt;script&gt;alert(1)&lt;/script&gt;</textarea>"));
    assert!(html.contains("<option value=\"high\" selected>"));
    assert!(!html.contains("<script>"));
    let listed: Value = app
        .get("/api/v1/incidents")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(0));

    // The switch answers in the other language, and remembers it.
    let english = browser.get(&app, "/portal/report?lang=en").await;
    assert!(english.html.contains("<html lang=\"en\">"));
    let still = browser.get(&app, "/portal").await;
    assert!(
        still.html.contains("<html lang=\"en\">"),
        "the cookie remembers"
    );

    let too_long = "长".repeat(161);
    let sent = report(
        &mut browser,
        &app,
        &[
            ("name", "Wang"),
            ("email", "wang@acme.example"),
            ("summary", &too_long),
            ("impact", "low"),
        ],
    )
    .await;
    assert_eq!(sent.status, 422);
    assert!(sent.html.contains("Use at most 160 characters."));
    assert!(sent.html.contains(&too_long), "kept as typed");
}

#[tokio::test]
async fn robots_forged_posts_and_repeats_record_nothing_more() {
    let app = TestApp::spawn().await;
    portal_account(&app).await;
    let mut browser = Browser::new("en");

    // The honeypot filled in: thanked, nothing recorded.
    let form = browser.get(&app, "/portal/report").await;
    let token = form_token(&form.html);
    let mut robot: Vec<(&str, &str)> =
        vec![("form_token", &token), ("website", "http://spam.example")];
    robot.extend_from_slice(&GOOD);
    let thanked = browser.post(&app, "/portal/report", &robot).await;
    assert_eq!(thanked.status, 200);
    assert!(thanked.html.contains("Thank you"));
    assert_eq!(incident_count(&app).await, 0);

    // No token, another browser's token, a token from another deployment: the form comes back
    // as typed, nothing recorded.
    let mut stranger = Browser::new("en");
    let theirs = form_token(&stranger.get(&app, "/portal/report").await.html);
    for token in ["", theirs.as_str(), "abc.1799658000.forged"] {
        let mut fields: Vec<(&str, &str)> = vec![("form_token", token), ("website", "")];
        fields.extend_from_slice(&GOOD);
        let refused = browser.post(&app, "/portal/report", &fields).await;
        assert_eq!(refused.status, 403, "{token}");
        assert!(refused.html.contains("The form had expired"));
        assert!(
            refused.html.contains("value=\"Cy Young\""),
            "nothing typed is lost"
        );
    }
    assert_eq!(incident_count(&app).await, 0);

    // The same form sent twice (a double click, a reload): one incident, the same page.
    let form = browser.get(&app, "/portal/report").await;
    let token = form_token(&form.html);
    let mut fields: Vec<(&str, &str)> = vec![("form_token", &token), ("website", "")];
    fields.extend_from_slice(&GOOD);
    let first = browser.post(&app, "/portal/report", &fields).await;
    let second = browser.post(&app, "/portal/report", &fields).await;
    assert_eq!(
        (first.status, second.status),
        (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER)
    );
    let first_location = first.location.clone();
    assert_eq!(first.location, second.location);
    assert_eq!(incident_count(&app).await, 1);

    // Sent twice at the same instant (the second click before the first answer): the second
    // waits for the first's answer, so still one incident, and both lead to its page.
    let form = browser.get(&app, "/portal/report").await;
    let token = form_token(&form.html);
    let mut fields: Vec<(&str, &str)> = vec![("form_token", &token), ("website", "")];
    fields.extend_from_slice(&GOOD);
    let body = serde_urlencoded::to_string(&fields).expect("form");
    let cookies = browser.cookies.join("; ");
    let click = || {
        browser
            .client
            .post(app.url("/portal/report"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", &cookies)
            .body(body.clone())
            .send()
    };
    let (first, second) = tokio::join!(click(), click());
    let locations: Vec<_> = [first, second]
        .into_iter()
        .map(|answer| {
            let answer = answer.expect("sent");
            assert_eq!(answer.status(), StatusCode::SEE_OTHER);
            answer.headers()["location"]
                .to_str()
                .expect("text")
                .to_owned()
        })
        .collect();
    assert_eq!(locations[0], locations[1]);
    assert_ne!(Some(&locations[0]), first_location.as_ref());
    assert_eq!(incident_count(&app).await, 2);

    // Another site's page posting the form: refused, and nothing it sent is shown.
    let mut fields: Vec<(&str, &str)> = vec![("form_token", &token), ("website", "")];
    fields.extend_from_slice(&[("name", "Mallory"), ("summary", "Call 555-0100 now")]);
    let request = browser
        .client
        .post(app.url("/portal/report"))
        .header("sec-fetch-site", "cross-site")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(&fields).expect("form"));
    let forged = browser.send(request).await;
    assert_eq!(forged.status, 403);
    assert!(forged.html.contains("sent from another site") && !forged.html.contains("555-0100"));
    assert_eq!(incident_count(&app).await, 2);

    // A post past the size limit is a page saying so.
    let huge = "x".repeat(70 * 1024);
    let refused = browser
        .post(
            &app,
            "/portal/report",
            &[("form_token", &token), ("details", &huge)],
        )
        .await;
    assert_eq!(refused.status, 413);
    assert!(refused.html.contains("too large"));
}

#[tokio::test]
async fn each_address_gets_a_few_pages_a_minute() {
    let app = TestApp::spawn_with(&[
        ("portal_rate_limit_per_minute", "2"),
        ("portal_rate_limit_burst", "2"),
    ])
    .await;
    let mut browser = Browser::new("zh-CN");
    for _ in 0..2 {
        assert_eq!(browser.get(&app, "/portal").await.status, 200);
    }
    let refused = browser.get(&app, "/portal").await;
    assert_eq!(refused.status, 429);
    assert!(refused.html.contains("请求过多"), "{}", refused.html);
}

#[tokio::test]
async fn without_its_account_the_portal_says_it_is_not_available() {
    let app = TestApp::spawn_with(&[("portal_user", "")]).await;
    let mut browser = Browser::new("zh");
    let page = browser.get(&app, "/portal/report").await;
    assert_eq!(page.status, 503);
    assert!(page.html.contains("门户暂时不可用"), "{}", page.html);
}
