//! The OpenAPI 3.1 document of the whole API, joined from each component's `openapi.rs`. It is
//! committed as `openapi.json` at the root, because the admin component serves it from its wasm
//! file; the tests below fail when that file is stale or when a component's description and its
//! route table disagree.

use itsm_http::RouteTable;
use itsm_http::openapi::ApiDoc;

const DESCRIPTION: &str = "An ISO/IEC 20000-1 IT service management API, one WebAssembly component per process. \
Every route needs a bearer token. Errors are application/problem+json (RFC 9457) naming each bad field; \
lists are cursor pages with `Link: rel=\"next\"`; updates and transitions take `If-Match`; every POST takes `Idempotency-Key`; \
answers carry `RateLimit-Policy` and `RateLimit`, and 429 carries `Retry-After`.";

/// Where the committed document lives, relative to the workspace root.
pub const DOCUMENT_PATH: &str = "openapi.json";

/// A component: its name, its part of the document and its route table.
pub struct Component {
    pub name: &'static str,
    pub describe: fn(&mut ApiDoc),
    pub route_table: fn() -> RouteTable,
}

pub const COMPONENTS: &[Component] = &[
    Component {
        name: "admin",
        describe: admin::openapi::describe,
        route_table: admin::route_table,
    },
    Component {
        name: "catalogue",
        describe: catalogue::openapi::describe,
        route_table: catalogue::route_table,
    },
    Component {
        name: "identity",
        describe: identity::openapi::describe,
        route_table: identity::route_table,
    },
    Component {
        name: "incident",
        describe: incident::openapi::describe,
        route_table: incident::route_table,
    },
    Component {
        name: "service-request",
        describe: service_request::openapi::describe,
        route_table: service_request::route_table,
    },
    Component {
        name: "problem",
        describe: problem::openapi::describe,
        route_table: problem::route_table,
    },
    Component {
        name: "knowledge",
        describe: knowledge::openapi::describe,
        route_table: knowledge::route_table,
    },
    Component {
        name: "search",
        describe: search::openapi::describe,
        route_table: search::route_table,
    },
    Component {
        name: "service-level",
        describe: service_level::openapi::describe,
        route_table: service_level::route_table,
    },
    Component {
        name: "relationship",
        describe: relationship::openapi::describe,
        route_table: relationship::route_table,
    },
    Component {
        name: "webhooks",
        describe: webhooks::openapi::describe,
        route_table: webhooks::route_table,
    },
    Component {
        name: "channels",
        describe: channels::openapi::describe,
        route_table: channels::route_table,
    },
];

/// The document, as a value.
pub fn document() -> serde_json::Value {
    let mut doc = ApiDoc::new();
    for component in COMPONENTS {
        (component.describe)(&mut doc);
    }
    doc.into_document("ITSM API", env!("CARGO_PKG_VERSION"), DESCRIPTION)
}

/// The document as committed: one line per operation and per schema, so a diff shows what
/// changed, and compact within a line, because the admin component carries it in its wasm file
/// (which must stay under 1 MB).
pub fn document_text() -> String {
    let mut text = String::new();
    write_lines(&mut text, &document(), 0);
    text.push('\n');
    text
}

/// Objects down to this depth are written one entry per line.
const LINE_DEPTH: usize = 3;

fn write_lines(out: &mut String, value: &serde_json::Value, depth: usize) {
    match value.as_object() {
        Some(object) if depth < LINE_DEPTH && !object.is_empty() => {
            out.push('{');
            for (i, (key, item)) in object.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                out.push_str(&"  ".repeat(depth + 1));
                out.push_str(&serde_json::Value::from(key.as_str()).to_string());
                out.push(':');
                write_lines(out, item, depth + 1);
            }
            out.push('\n');
            out.push_str(&"  ".repeat(depth));
            out.push('}');
        }
        _ => out.push_str(&value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_component_documents_exactly_the_routes_it_serves() {
        for component in COMPONENTS {
            let mut doc = ApiDoc::new();
            (component.describe)(&mut doc);
            let documented = doc.operations();
            let served = (component.route_table)().operations();
            let missing: Vec<_> = served.iter().filter(|o| !documented.contains(o)).collect();
            let extra: Vec<_> = documented.iter().filter(|o| !served.contains(o)).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{}: served but not documented {missing:?}; documented but not served {extra:?}",
                component.name
            );
        }
    }

    #[test]
    fn a_component_that_adds_a_route_without_documenting_it_is_caught() {
        async fn handler() {}
        let served = incident::route_table()
            .get("/api/v1/incidents/{id}/secret", handler)
            .operations();
        let mut doc = ApiDoc::new();
        incident::openapi::describe(&mut doc);
        assert_ne!(doc.operations(), served);
    }

    #[test]
    fn the_committed_document_is_current() {
        assert!(
            admin::OPENAPI_DOCUMENT == document_text(),
            "{DOCUMENT_PATH} is stale: run `cargo run -p itsm-openapi` and commit the result"
        );
    }

    #[test]
    fn every_operation_has_a_unique_id_a_tag_and_an_answer() {
        let document = document();
        let mut ids = std::collections::HashSet::new();
        let paths = document["paths"].as_object().expect("paths");
        for (path, methods) in paths {
            for (method, operation) in methods.as_object().expect("methods") {
                let id = operation["operationId"].as_str().expect("operationId");
                assert!(ids.insert(id.to_owned()), "{id} is used twice");
                assert!(
                    operation["tags"][0].is_string(),
                    "{method} {path} has no tag"
                );
                let success = operation["responses"]
                    .as_object()
                    .expect("responses")
                    .keys()
                    .any(|status| status.starts_with('2'));
                assert!(success, "{method} {path} has no success answer");
            }
        }
        assert!(ids.len() > 40, "only {} operations", ids.len());
    }

    #[test]
    fn every_reference_points_into_the_document() {
        let document = document();
        let text = document.to_string();
        let mut checked = 0;
        for reference in text.split("\"$ref\":\"").skip(1) {
            let target = reference.split('"').next().unwrap_or_default();
            let pointer = target
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("{target} points outside the document"));
            assert!(document.pointer(pointer).is_some(), "{target} is missing");
            checked += 1;
        }
        assert!(checked > 100, "only {checked} references");
    }

    #[test]
    fn the_committed_text_is_the_document() {
        let text = document_text();
        let parsed: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(parsed, document());
        assert!(
            text.lines().count() > 100,
            "one line per operation and schema"
        );
    }
}
