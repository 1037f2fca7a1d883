//! Ordering from the catalogue and complaining through the customer portal, as a browser
//! without JavaScript does it: the published business view listed, an entry's order form made
//! from its request form, mistakes in both languages with everything typed kept, one order per
//! form however often it is sent, and the order's and the complaint's own keyed pages.

use crate::portal::{Browser, GOOD, form_token, portal_account, report};
use itsm_api_tests::{TestApp, json_with};
use reqwest::Method;
use serde_json::{Value, json};

/// Puts a laptop entry with a request form of every kind of field (labels in English and
/// Chinese), a desk phone entry without one, and publishes the catalogue.
async fn publish_laptops(app: &TestApp) {
    let dept = app
        .user_with("dept", &[("service_dept_manager", None)])
        .await;
    let laptop = json!({
        "service": "desktop-om", "view": "business",
        "name": {"en": "Laptop", "zh": "笔记本电脑"},
        "class": {"en": "Equipment", "zh": "设备"},
        "description": {"en": "A laptop set up for you.\nDelivered within a week.", "zh": "为您配置好的笔记本电脑。"},
        "content_items": [{"en": "Set-up and data transfer", "zh": "配置和数据迁移"}],
        "fees": {"en": "Charged to your department", "zh": "由所在部门承担"},
        "request_form": {"fields": [
            {"key": "model", "type": "choice", "label": {"en": "Model", "zh": "型号"}, "required": true,
             "options": [{"value": "small", "label": {"en": "13 inch", "zh": "13 英寸"}},
                         {"value": "large", "label": {"en": "15 inch", "zh": "15 英寸"}}]},
            {"key": "reason", "type": "text", "label": {"en": "Why", "zh": "原因"}, "required": true,
             "min_length": 10, "max_length": 200},
            {"key": "count", "type": "number", "label": {"en": "How many", "zh": "数量"}, "integer": true,
             "min": 1, "max": 5},
            {"key": "needed_by", "type": "date", "label": {"en": "Needed by", "zh": "需要日期"},
             "min_days_ahead": 1},
            {"key": "extras", "type": "multi_choice", "label": {"en": "Extras", "zh": "配件"},
             "options": [{"value": "dock", "label": {"en": "Dock", "zh": "扩展坞"}},
                         {"value": "bag", "label": {"en": "Bag", "zh": "电脑包"}}]}
        ]},
        "approval": {"rule": "any", "approvers": [{"role": "service_dept_manager"}]}
    });
    let phone = json!({
        "service": "desktop-om", "view": "business",
        "name": {"en": "Desk phone repair", "zh": "座机维修"},
        "contact": {"en": "Call 1234", "zh": "请拨打 1234"}
    });
    let internal = json!({
        "service": "desktop-om", "view": "technical",
        "name": {"en": "Switch firmware", "zh": "交换机固件"}
    });
    for (code, entry) in [
        ("laptop", laptop),
        ("desk-phone", phone),
        ("firmware", internal),
    ] {
        let put = app
            .request_as(
                &dept,
                Method::PUT,
                &format!("/api/v1/catalogue/entries/{code}"),
            )
            .json(&entry)
            .send()
            .await
            .expect("sent");
        json_with(put, 201).await;
    }
    json_with(
        app.post_as(&dept, "/api/v1/catalogue/versions", &json!({}))
            .await,
        201,
    )
    .await;
}

/// The `min` of the order form's date field: the earliest day it takes.
fn earliest_day(html: &str) -> String {
    let at = html.find("type=\"date\"").expect("a date field");
    let start = html[at..].find("min=\"").expect("a min") + at + 5;
    html[start..start + 10].to_owned()
}

async fn requests(app: &TestApp) -> Vec<Value> {
    let listed = json_with(app.get("/api/v1/requests").await, 200).await;
    listed["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn an_entry_is_ordered_through_a_form_made_from_its_definition() {
    let app = TestApp::spawn().await;
    portal_account(&app).await;
    let mut browser = Browser::new("zh-CN,zh;q=0.9");

    let empty = browser.get(&app, "/portal/catalogue").await;
    assert_eq!(empty.status, 200, "{}", empty.html);
    publish_laptops(&app).await;

    // The business view only, grouped by class, in the visitor's language.
    let list = browser.get(&app, "/portal/catalogue").await;
    assert_eq!(list.status, 200);
    assert!(list.html.contains("<h2>设备</h2>"), "{}", list.html);
    assert!(list.html.contains(
        "href=\"/portal/catalogue/laptop\">笔记本电脑</a> <span class=\"tag\">可在此申请</span>"
    ));
    assert!(list.html.contains("座机维修"));
    assert!(
        !list.html.contains("交换机固件"),
        "the technical view is not shown"
    );

    let phone = browser.get(&app, "/portal/catalogue/desk-phone").await;
    assert!(phone.html.contains("请拨打 1234") && phone.html.contains("id=\"not-orderable\""));
    let refused = browser
        .post(&app, "/portal/catalogue/desk-phone", &[("name", "Cy")])
        .await;
    assert_eq!(
        refused.status, 409,
        "an entry without a form takes no orders"
    );

    let page = browser.get(&app, "/portal/catalogue/laptop").await;
    assert_eq!(page.status, 200);
    for shown in [
        "配置和数据迁移",
        "由所在部门承担",
        "申请须经审批后才会处理。",
        "<legend>型号</legend>",
        "<label for=\"answers.extras-1\">电脑包</label>",
        "name=\"answers.count\" type=\"text\" value=\"\" inputmode=\"numeric\"",
        "<label for=\"answers.count\">数量（可选）</label>",
    ] {
        assert!(page.html.contains(shown), "{shown} in {}", page.html);
    }
    let earliest = earliest_day(&page.html);

    // Mistakes, in Chinese, beside their fields and in the summary; everything typed kept.
    let token = form_token(&page.html);
    let typed = [
        ("form_token", token.as_str()),
        ("website", ""),
        ("name", "王芳"),
        ("email", "wang@acme"),
        ("answers.reason", "<i>太旧</i>"),
        ("answers.count", "两台"),
        ("answers.needed_by", "2000-01-01"),
        ("answers.extras", "bag"),
    ];
    let wrong = browser.post(&app, "/portal/catalogue/laptop", &typed).await;
    assert_eq!(wrong.status, 422, "{}", wrong.html);
    for shown in [
        "<title>错误：笔记本电脑",
        "href=\"#answers.model\"><strong>型号</strong> – 请填写此项。",
        "<strong>您的电子邮件地址</strong>",
        "至少 10 个字符。",
        "请输入数字，例如 3。",
        &format!("请选择 {earliest} 或之后的日期。"),
        "value=\"&lt;i&gt;太旧&lt;/i&gt;\"",
        "value=\"两台\"",
        "value=\"王芳\"",
        "id=\"answers.extras-1\" name=\"answers.extras\" value=\"bag\" type=\"checkbox\" checked",
    ] {
        assert!(wrong.html.contains(shown), "{shown} in {}", wrong.html);
    }
    assert!(requests(&app).await.is_empty(), "nothing was ordered");

    // Right answers: one order, however often the form is sent.
    let token = form_token(&wrong.html);
    let good = [
        ("form_token", token.as_str()),
        ("website", ""),
        ("name", "王芳"),
        ("email", "wang@acme.example"),
        ("answers.model", "large"),
        ("answers.reason", "新同事下周一入职，需要电脑"),
        ("answers.count", "2"),
        ("answers.needed_by", earliest.as_str()),
        ("answers.extras", "dock"),
        ("answers.extras", "bag"),
    ];
    let sent = browser.post(&app, "/portal/catalogue/laptop", &good).await;
    assert_eq!(sent.status, 303, "{}", sent.html);
    let again = browser.post(&app, "/portal/catalogue/laptop", &good).await;
    assert_eq!(again.location, sent.location, "the same form sent twice");
    let address = sent.location.expect("the order's address");
    assert!(
        address.starts_with("/portal/tickets/REQ0000001/"),
        "{address}"
    );
    let ordered = requests(&app).await;
    assert_eq!(ordered.len(), 1);
    let order = &ordered[0];
    assert_eq!(
        (&order["item"], &order["requested_by"], &order["customer"]),
        (&json!("laptop"), &json!("portal"), &json!("acme"))
    );
    assert_eq!(order["contact_details"], "王芳 <wang@acme.example>");
    assert_eq!(
        order["answers"],
        json!({"model": "large", "reason": "新同事下周一入职，需要电脑", "count": 2.0,
               "needed_by": earliest, "extras": ["dock", "bag"]})
    );

    // The order's own page, by its labels, in the visitor's language.
    let mine = browser.get(&app, &address).await;
    assert_eq!(mine.status, 200, "{}", mine.html);
    for shown in [
        "您的申请 REQ0000001",
        "<dd>笔记本电脑</dd>",
        "等待审批",
        "<dt>型号</dt><dd class=\"prose\">15 英寸</dd>",
        "<dt>配件</dt><dd class=\"prose\">扩展坞, 电脑包</dd>",
        "<dt>数量</dt><dd class=\"prose\">2</dd>",
    ] {
        assert!(mine.html.contains(shown), "{shown} in {}", mine.html);
    }
    let key = address.rsplit('/').next().expect("key");
    for wrong in [
        format!("/portal/tickets/REQ0000001/{}", "A".repeat(22)),
        format!("/portal/tickets/REQ0000002/{key}"),
        "/portal/catalogue/nothing-here".to_owned(),
        "/portal/catalogue/.profile".to_owned(),
        "/portal/catalogue/Laptop%3Fview=technical".to_owned(),
    ] {
        assert_eq!(browser.get(&app, &wrong).await.status, 404, "{wrong}");
    }
}

#[tokio::test]
async fn a_complaint_is_recorded_answered_and_tied_to_its_report_by_key() {
    let app = TestApp::spawn().await;
    portal_account(&app).await;
    let desk = app.user_with("desk", &[("service_desk", None)]).await;
    let mut browser = Browser::new("en-GB");

    let form = browser.get(&app, "/portal/complaint").await;
    assert_eq!(form.status, 200, "{}", form.html);
    assert!(
        form.html
            .contains("id=\"kind\" name=\"kind\" value=\"complaint\" type=\"radio\" checked")
    );
    let token = form_token(&form.html);
    let wrong = browser
        .post(
            &app,
            "/portal/complaint",
            &[
                ("form_token", token.as_str()),
                ("website", ""),
                ("kind", "rant"),
                ("name", "Cy Young"),
                ("email", "cy@acme.example"),
                ("message", "Nobody <em>called</em> back."),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    for shown in [
        "<strong>What would you like to do?</strong> – Choose one of the options.",
        "<strong>In a few words</strong> – Fill this in.",
        "Nobody &lt;em&gt;called&lt;/em&gt; back.",
    ] {
        assert!(wrong.html.contains(shown), "{shown} in {}", wrong.html);
    }

    let token = form_token(&wrong.html);
    let good = [
        ("form_token", token.as_str()),
        ("website", ""),
        ("kind", "feedback"),
        ("name", "Cy Young"),
        ("email", "cy@acme.example"),
        ("subject", "Thanks for the quick fix"),
        ("message", "The printer works again."),
    ];
    let sent = browser.post(&app, "/portal/complaint", &good).await;
    assert_eq!(sent.status, 303, "{}", sent.html);
    assert_eq!(
        browser
            .post(&app, "/portal/complaint", &good)
            .await
            .location,
        sent.location,
        "the same form sent twice"
    );
    let address = sent.location.expect("its address");
    assert!(
        address.starts_with("/portal/tickets/CMP0000001/"),
        "{address}"
    );
    let recorded = json_with(app.get_as(&desk, "/api/v1/complaints").await, 200).await;
    assert_eq!(recorded["items"].as_array().map(Vec::len), Some(1));
    let feedback = &recorded["items"][0];
    assert_eq!(
        (
            &feedback["kind"],
            &feedback["channel"],
            &feedback["complainant"],
            &feedback["customer"],
            &feedback["contact_details"]
        ),
        (
            &json!("feedback"),
            &json!("web"),
            &json!("portal"),
            &json!("acme"),
            &json!("Cy Young <cy@acme.example>")
        )
    );

    json_with(
        app.post_as(
            &desk,
            "/api/v1/complaints/CMP0000001/respond",
            &json!({"response": "Glad to <b>hear</b> it."}),
        )
        .await,
        200,
    )
    .await;
    let page = browser.get(&app, &address).await;
    for shown in [
        "Your complaint or feedback CMP0000001",
        "Thanks for the quick fix",
        "Answered, being worked on",
        "<p class=\"prose\" id=\"response\">Glad to &lt;b&gt;hear&lt;/b&gt; it.</p>",
    ] {
        assert!(page.html.contains(shown), "{shown} in {}", page.html);
    }

    // From a report's page, a complaint about it carries its number, vouched for by its key.
    let reported = report(&mut browser, &app, &GOOD).await;
    let report_address = reported.location.expect("the report's address");
    let key = report_address.rsplit('/').next().expect("key").to_owned();
    let report_page = browser.get(&app, &report_address).await;
    let link = format!("href=\"/portal/complaint?about=INC0000001&amp;key={key}\"");
    assert!(report_page.html.contains(&link), "{}", report_page.html);
    let about_form = browser
        .get(
            &app,
            &format!("/portal/complaint?about=INC0000001&key={key}"),
        )
        .await;
    assert!(about_form.html.contains("<dd id=\"about\">INC0000001</dd>"));
    let token = form_token(&about_form.html);
    let mut about = good.to_vec();
    about[0].1 = token.as_str();
    about[2].1 = "complaint";
    about.extend([("about", "INC0000001"), ("key", key.as_str())]);
    let sent = browser.post(&app, "/portal/complaint", &about).await;
    assert_eq!(sent.status, 303, "{}", sent.html);
    let complaint = json_with(
        app.get_as(&desk, "/api/v1/complaints/CMP0000002").await,
        200,
    )
    .await;
    assert_eq!(complaint["about"], "INC0000001");

    // Without the report's key, it cannot be named.
    let forged = format!("/portal/complaint?about=INC0000001&key={}", "A".repeat(22));
    assert_eq!(browser.get(&app, &forged).await.status, 404);
    let token = form_token(&about_form.html);
    let mut forged_post = good.to_vec();
    forged_post[0].1 = token.as_str();
    forged_post.extend([("about", "INC0000001"), ("key", "AAAA")]);
    assert_eq!(
        browser
            .post(&app, "/portal/complaint", &forged_post)
            .await
            .status,
        404
    );
    let listed = json_with(app.get_as(&desk, "/api/v1/complaints").await, 200).await;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(2));
}
