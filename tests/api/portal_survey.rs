//! The satisfaction survey in the customer portal, as a browser without JavaScript answers it:
//! asked on a record's keyed page only once the work is handled, mistakes named with the
//! remark kept, one rating however often it is sent, and the thanks in its place afterwards.

use crate::portal::{Browser, GOOD, form_token, portal_account, report};
use crate::satisfaction::resolve_incident;
use itsm_api_tests::{TestApp, json_with};
use serde_json::json;

#[tokio::test]
async fn a_handled_report_asks_how_it_went_and_takes_one_answer() {
    let app = TestApp::spawn().await;
    portal_account(&app).await;
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    let mut browser = Browser::new("zh-CN,zh;q=0.9");
    let sent = report(&mut browser, &app, &GOOD).await;
    let address = sent.location.expect("the report's address");
    let number = address.split('/').nth(3).expect("number").to_owned();
    let rate = format!("{address}/satisfaction");

    // Not handled yet: no survey, and a rating sent anyway (a stale page) records nothing.
    let page = browser.get(&app, &address).await;
    assert!(!page.html.contains("id=\"satisfaction\""), "{}", page.html);
    let token = form_token(&page.html);
    let early = browser
        .post(
            &app,
            &rate,
            &[("form_token", token.as_str()), ("score", "5")],
        )
        .await;
    assert_eq!(
        (early.status.as_u16(), early.location.as_deref()),
        (303, Some(address.as_str()))
    );

    resolve_incident(&app, &desk, &number).await;

    // Resolved: the page asks, in the visitor's language, the best answer first.
    let page = browser.get(&app, &address).await;
    for shown in [
        "<h2 id=\"satisfaction\">您对我们的服务满意吗？</h2>",
        "<legend>您对此事的处理是否满意？</legend>",
        "id=\"score\" name=\"score\" value=\"5\" type=\"radio\"",
        "<label for=\"score\">非常满意</label>",
    ] {
        assert!(page.html.contains(shown), "{shown} in {}", page.html);
    }

    // No score chosen: named, with the remark kept as typed (and escaped).
    let token = form_token(&page.html);
    let missing = browser
        .post(
            &app,
            &rate,
            &[
                ("form_token", token.as_str()),
                ("website", ""),
                ("remarks", "修得很快 <script>alert(1)</script>"),
            ],
        )
        .await;
    assert_eq!(missing.status, 422, "{}", missing.html);
    for shown in [
        "<title>错误：评价 ",
        "<strong>您对此事的处理是否满意？</strong> – 请选择您的满意程度。",
        "修得很快 &lt;script&gt;alert(1)&lt;/script&gt;",
    ] {
        assert!(missing.html.contains(shown), "{shown} in {}", missing.html);
    }

    // Answered: one rating, however often the form is sent.
    let token = form_token(&missing.html);
    let answer = [
        ("form_token", token.as_str()),
        ("website", ""),
        ("score", "4"),
        ("remarks", "修得很快，谢谢"),
    ];
    let back = format!("{address}#satisfaction");
    for _ in 0..2 {
        let rated = browser.post(&app, &rate, &answer).await;
        assert_eq!(
            (rated.status.as_u16(), rated.location.as_deref()),
            (303, Some(back.as_str()))
        );
    }
    let ratings = json_with(
        app.get_as(&desk, "/api/v1/satisfaction-responses").await,
        200,
    )
    .await;
    assert_eq!(ratings["items"].as_array().map(Vec::len), Some(1));
    let rating = &ratings["items"][0];
    assert_eq!(
        (
            &rating["about"],
            &rating["score"],
            &rating["comment"],
            &rating["channel"],
            &rating["created_by"],
            &rating["customer"]
        ),
        (
            &json!(number),
            &json!(4),
            &json!("修得很快，谢谢"),
            &json!("web"),
            &json!("portal"),
            &json!("acme")
        )
    );

    // Afterwards the page thanks them instead of asking; a new form (another tab) changes
    // nothing.
    let page = browser.get(&app, &address).await;
    assert!(
        page.html
            .contains("<p id=\"rating\">感谢您的评价： <strong>满意</strong></p>"),
        "{}",
        page.html
    );
    assert!(!page.html.contains("name=\"score\""));
    let token = form_token(&page.html);
    let second = browser
        .post(
            &app,
            &rate,
            &[("form_token", token.as_str()), ("score", "1")],
        )
        .await;
    assert_eq!(second.location.as_deref(), Some(back.as_str()));
    let still = json_with(
        app.get_as(&desk, "/api/v1/satisfaction-responses/summary")
            .await,
        200,
    )
    .await;
    assert_eq!(still["by_score"], json!([0, 0, 0, 1, 0]));

    // A made-up key, or another report's real key, is no record at all.
    let other = report(&mut browser, &app, &GOOD).await;
    let other_key = other
        .location
        .as_deref()
        .and_then(|a| a.rsplit('/').next())
        .expect("the other report's key")
        .to_owned();
    for key in ["A".repeat(22), other_key] {
        let wrong = format!("/portal/tickets/{number}/{key}/satisfaction");
        let refused = browser
            .post(
                &app,
                &wrong,
                &[("form_token", token.as_str()), ("score", "1")],
            )
            .await;
        assert_eq!(refused.status, 404);
    }
    let summary = app
        .get_as(&desk, "/api/v1/satisfaction-responses/summary")
        .await;
    assert_eq!(json_with(summary, 200).await["responses"], 1);
}
