//! The building blocks of the OpenAPI 3.1 document, so every component describes its operations
//! in the same words: the shared conventions (bearer tokens, problem+json, pages, ETags,
//! idempotent POSTs, rate limits) are added here once, and schemas come from the wire types
//! themselves. The `itsm-openapi` crate joins the components' descriptions into one document.

use crate::route_table::Operation;
use schemars::JsonSchema;
use schemars::generate::{Contract, SchemaGenerator, SchemaSettings};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

const PROBLEM: &str = "#/components/schemas/Problem";

/// The problem answers many operations share, kept once under `components/responses`.
const SHARED_ANSWERS: &[(&str, &str, &str)] = &[
    (
        "400",
        "BadRequest",
        "The body is not JSON, or a header or query parameter is malformed, unknown or repeated.",
    ),
    ("401", "Unauthorized", "No valid bearer token."),
    (
        "403",
        "Forbidden",
        "The caller lacks the authority; the body names it.",
    ),
    (
        "404",
        "NotFound",
        "No such record, or one the caller may not see.",
    ),
    (
        "412",
        "PreconditionFailed",
        "The record changed since the given ETag was read.",
    ),
    (
        "413",
        "PayloadTooLarge",
        "The request body is larger than 64 KiB.",
    ),
    (
        "415",
        "UnsupportedMediaType",
        "The request body is not application/json.",
    ),
    (
        "422",
        "Unprocessable",
        "A field is missing, unknown or invalid; `errors` names each.",
    ),
    (
        "429",
        "TooManyRequests",
        "Too many requests; wait as `Retry-After` says.",
    ),
    ("default", "Error", "Any other error, as problem+json."),
];

/// The parameters many operations share, kept once under `components/parameters`.
fn shared_parameters() -> Value {
    json!({
        "Limit": {
            "name": "limit", "in": "query", "required": false,
            "description": "Items per page.",
            "schema": { "type": "integer", "minimum": 1, "maximum": crate::pagination::MAX_LIMIT, "default": crate::pagination::DEFAULT_LIMIT }
        },
        "Cursor": {
            "name": "cursor", "in": "query", "required": false,
            "description": "The `next_cursor` of the previous page.",
            "schema": { "type": "string" }
        },
        "IfMatch": {
            "name": "If-Match", "in": "header", "required": false,
            "description": "The ETag last read; the change is refused with 412 if the record has changed since.",
            "schema": { "type": "string" }
        },
        "IdempotencyKey": {
            "name": "Idempotency-Key", "in": "header", "required": false,
            "description": "Retrying with the same key replays the first answer instead of acting twice; the same key with another body is refused.",
            "schema": { "type": "string", "maxLength": 255 }
        }
    })
}

fn shared(status: &str) -> Value {
    let name = SHARED_ANSWERS
        .iter()
        .find(|(s, _, _)| *s == status)
        .map_or("Error", |(_, name, _)| name);
    json!({ "$ref": format!("#/components/responses/{name}") })
}

fn shared_parameter(name: &str) -> Value {
    json!({ "$ref": format!("#/components/parameters/{name}") })
}

/// The document being assembled: paths, tags and the schemas the operations refer to.
pub struct ApiDoc {
    /// Request bodies are described as the server reads them, responses as it writes them;
    /// the two differ where a field is skipped or defaulted one way only.
    requests: SchemaGenerator,
    responses: SchemaGenerator,
    paths: BTreeMap<&'static str, BTreeMap<&'static str, Value>>,
    tags: Vec<Value>,
}

impl Default for ApiDoc {
    fn default() -> Self {
        Self::new()
    }
}

impl ApiDoc {
    pub fn new() -> Self {
        let settings = |contract| {
            SchemaSettings::draft2020_12()
                .with(|s| {
                    s.definitions_path = "/components/schemas".into();
                    s.contract = contract;
                    s.meta_schema = None;
                })
                .into_generator()
        };
        Self {
            requests: settings(Contract::Deserialize),
            responses: settings(Contract::Serialize),
            paths: BTreeMap::new(),
            tags: Vec::new(),
        }
    }

    /// A group of operations, shown as one section by documentation tools.
    pub fn tag(&mut self, name: &str, description: &str) {
        self.tags
            .push(json!({ "name": name, "description": description }));
    }

    pub fn get(&mut self, path: &'static str, id: &str, summary: &str) -> OperationDoc<'_> {
        OperationDoc::new(self, "get", path, id, summary)
    }

    pub fn post(&mut self, path: &'static str, id: &str, summary: &str) -> OperationDoc<'_> {
        OperationDoc::new(self, "post", path, id, summary)
    }

    pub fn put(&mut self, path: &'static str, id: &str, summary: &str) -> OperationDoc<'_> {
        OperationDoc::new(self, "put", path, id, summary)
    }

    pub fn patch(&mut self, path: &'static str, id: &str, summary: &str) -> OperationDoc<'_> {
        OperationDoc::new(self, "patch", path, id, summary)
    }

    pub fn delete(&mut self, path: &'static str, id: &str, summary: &str) -> OperationDoc<'_> {
        OperationDoc::new(self, "delete", path, id, summary)
    }

    /// Every documented operation, sorted as `RouteTable::operations` sorts.
    pub fn operations(&self) -> Vec<Operation> {
        let mut operations: Vec<Operation> = self
            .paths
            .iter()
            .flat_map(|(path, methods)| methods.keys().map(|method| Operation { method, path }))
            .collect();
        operations.sort_by_key(|o| (o.path, o.method));
        operations
    }

    /// The finished document. Panics if a request and a response type share a name but not a
    /// schema: that is a bug in the wire types, found when the document is generated.
    pub fn into_document(mut self, title: &str, version: &str, description: &str) -> Value {
        let problem_ref: Value = self
            .responses
            .subschema_for::<crate::problem::Problem>()
            .into();
        debug_assert_eq!(problem_ref["$ref"], PROBLEM);
        let mut schemas = self.requests.take_definitions(true);
        for (name, schema) in self.responses.take_definitions(true) {
            match schemas.get(&name) {
                Some(existing) if *existing != schema => {
                    panic!("the schema {name} differs between requests and responses")
                }
                _ => {
                    schemas.insert(name, schema);
                }
            }
        }
        let schemas: BTreeMap<String, Value> = schemas.into_iter().collect();
        let responses: BTreeMap<&str, Value> = SHARED_ANSWERS
            .iter()
            .map(|(_, name, description)| (*name, problem(description)))
            .collect();
        json!({
            "openapi": "3.1.0",
            "info": { "title": title, "version": version, "description": description },
            "tags": self.tags,
            "security": [{ "bearer": [] }],
            "paths": self.paths,
            "components": {
                "securitySchemes": {
                    "bearer": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "An API token from POST /api/v1/tokens (or the bootstrap token)."
                    }
                },
                "schemas": schemas,
                "responses": responses,
                "parameters": shared_parameters(),
            }
        })
    }
}

/// One operation under construction; `add` puts it into the document.
#[must_use = "call .add() to put the operation into the document"]
pub struct OperationDoc<'d> {
    doc: &'d mut ApiDoc,
    method: &'static str,
    path: &'static str,
    fields: Map<String, Value>,
    description: Vec<String>,
    parameters: Vec<Value>,
    responses: BTreeMap<String, Value>,
    has_body: bool,
    /// Authenticated by a signature, so outside the bearer-token conventions.
    signed: bool,
}

impl<'d> OperationDoc<'d> {
    fn new(
        doc: &'d mut ApiDoc,
        method: &'static str,
        path: &'static str,
        id: &str,
        summary: &str,
    ) -> Self {
        let mut fields = Map::new();
        fields.insert("operationId".into(), id.into());
        fields.insert("summary".into(), summary.into());
        Self {
            doc,
            method,
            path,
            fields,
            description: Vec::new(),
            parameters: Vec::new(),
            responses: BTreeMap::new(),
            has_body: false,
            signed: false,
        }
    }

    pub fn tag(mut self, tag: &str) -> Self {
        self.fields.insert("tags".into(), json!([tag]));
        self
    }

    /// A paragraph of the operation's description.
    pub fn describe(mut self, text: &str) -> Self {
        self.description.push(text.to_owned());
        self
    }

    /// The authority the caller needs (`x-authority`); a 403 names it when missing.
    pub fn authority(mut self, authority: &str) -> Self {
        self.fields.insert("x-authority".into(), authority.into());
        self.description
            .push(format!("Needs the `{authority}` authority."));
        self
    }

    /// What a path parameter means; parameters left undescribed are plain strings.
    pub fn path_param(mut self, name: &str, description: &str) -> Self {
        self.parameters.push(json!({
            "name": name, "in": "path", "required": true,
            "description": description, "schema": { "type": "string" }
        }));
        self
    }

    /// A path parameter that takes one of a fixed set of words.
    pub fn path_choice<'w>(
        mut self,
        name: &str,
        description: &str,
        choices: impl IntoIterator<Item = &'w str>,
    ) -> Self {
        let choices: Vec<&str> = choices.into_iter().collect();
        self.parameters.push(json!({
            "name": name, "in": "path", "required": true,
            "description": description, "schema": { "type": "string", "enum": choices }
        }));
        self
    }

    /// An optional query parameter with a string value.
    pub fn query(self, name: &str, description: &str) -> Self {
        self.query_schema(name, description, json!({ "type": "string" }))
    }

    /// An optional query parameter that takes one of a fixed set of words.
    pub fn query_choice<'w>(
        self,
        name: &str,
        description: &str,
        choices: impl IntoIterator<Item = &'w str>,
    ) -> Self {
        let choices: Vec<&str> = choices.into_iter().collect();
        self.query_schema(
            name,
            description,
            json!({ "type": "string", "enum": choices }),
        )
    }

    /// A query parameter the operation cannot do without, with a bounded string value.
    pub fn query_required(mut self, name: &str, description: &str, max_length: u32) -> Self {
        self.parameters.push(json!({
            "name": name, "in": "query", "required": true, "description": description,
            "schema": { "type": "string", "minLength": 1, "maxLength": max_length, "pattern": "\\S" }
        }));
        self
    }

    pub fn query_schema(mut self, name: &str, description: &str, schema: Value) -> Self {
        self.parameters.push(json!({
            "name": name, "in": "query", "required": false,
            "description": description, "schema": schema
        }));
        self
    }

    /// The JSON request body, read into `T`.
    pub fn body<T: JsonSchema>(self) -> Self {
        self.body_required::<T>(true)
    }

    /// A JSON body that may be left out, such as a transition that needs no fields.
    pub fn optional_body<T: JsonSchema>(self) -> Self {
        self.body_required::<T>(false)
    }

    fn body_required<T: JsonSchema>(mut self, required: bool) -> Self {
        let schema = self.doc.requests.subschema_for::<T>();
        self.fields.insert(
            "requestBody".into(),
            json!({ "required": required, "content": { "application/json": { "schema": schema } } }),
        );
        self.has_body = true;
        self
    }

    /// An HTML-form-encoded body (`application/x-www-form-urlencoded`) with the fields of `T`,
    /// as chat platforms and e-mail providers send.
    pub fn form_body<T: JsonSchema>(mut self) -> Self {
        let schema = self.doc.requests.subschema_for::<T>();
        self.fields.insert(
            "requestBody".into(),
            json!({ "required": true, "content": { "application/x-www-form-urlencoded": { "schema": schema } } }),
        );
        self.has_body = true;
        self
    }

    /// A form body that may come HTML-form-encoded or, when it carries files, as
    /// `multipart/form-data`, as e-mail providers post messages.
    pub fn form_or_multipart_body<T: JsonSchema>(mut self) -> Self {
        let schema = self.doc.requests.subschema_for::<T>();
        self.fields.insert(
            "requestBody".into(),
            json!({ "required": true, "content": {
                "application/x-www-form-urlencoded": { "schema": schema },
                "multipart/form-data": { "schema": schema } } }),
        );
        self.has_body = true;
        self
    }

    /// A request body that is not JSON but a document of `media_type`, such as an iCalendar file.
    pub fn text_body(mut self, media_type: &str, description: &str) -> Self {
        self.fields.insert(
            "requestBody".into(),
            json!({ "required": true, "description": description,
                    "content": { media_type: { "schema": { "type": "string" } } } }),
        );
        self.has_body = true;
        self
    }

    /// Updates and transitions check an optional `If-Match` against the record's version.
    pub fn if_match(mut self) -> Self {
        self.parameters.push(shared_parameter("IfMatch"));
        self.responses.insert("412".into(), shared("412"));
        self
    }

    /// A 200 answer with a JSON body of type `T`.
    pub fn ok<T: JsonSchema>(mut self, description: &str) -> Self {
        let schema = self.doc.responses.subschema_for::<T>();
        self.responses
            .insert("200".into(), json_response(description, schema.into()));
        self
    }

    /// A 200 answer whose schema is written out by hand.
    pub fn ok_json_schema(mut self, description: &str, schema: Value) -> Self {
        self.responses
            .insert("200".into(), json_response(description, schema));
        self
    }

    /// A 202 answer: queued to be done later, with the queued thing as JSON.
    pub fn accepted<T: JsonSchema>(mut self, description: &str) -> Self {
        let schema = self.doc.responses.subschema_for::<T>();
        self.responses
            .insert("202".into(), json_response(description, schema.into()));
        self
    }

    /// A 204 answer: done, nothing to return.
    pub fn no_content(mut self, description: &str) -> Self {
        self.responses
            .insert("204".into(), json!({ "description": description }));
        self
    }

    /// A 200 answer that carries the record's `ETag`.
    pub fn ok_record<T: JsonSchema>(mut self, description: &str) -> Self {
        let schema = self.doc.responses.subschema_for::<T>();
        let mut response = json_response(description, schema.into());
        response["headers"] = json!({ "ETag": etag_header() });
        self.responses.insert("200".into(), response);
        self
    }

    /// A 201 answer with the new record, its `Location` and its `ETag`.
    pub fn created<T: JsonSchema>(mut self, description: &str) -> Self {
        let schema = self.doc.responses.subschema_for::<T>();
        let mut response = json_response(description, schema.into());
        response["headers"] = json!({
            "Location": { "description": "The new record's URL.", "schema": { "type": "string" } },
            "ETag": etag_header(),
        });
        self.responses.insert("201".into(), response);
        self
    }

    /// A page of a list: `items` of `T`, `next_cursor`, and `Link: rel="next"` when more follow.
    pub fn page_of<T: JsonSchema>(mut self, description: &str) -> Self {
        let item: Value = self.doc.responses.subschema_for::<T>().into();
        self.parameters.push(shared_parameter("Limit"));
        self.parameters.push(shared_parameter("Cursor"));
        let mut response = json_response(
            description,
            json!({
                "type": "object",
                "required": ["items", "next_cursor"],
                "properties": {
                    "items": { "type": "array", "items": item },
                    "next_cursor": { "type": ["string", "null"], "description": "Pass as `cursor` for the next page; null on the last." }
                }
            }),
        );
        response["headers"] = json!({
            "Link": { "description": "`<url>; rel=\"next\"` when another page follows.", "schema": { "type": "string" } }
        });
        self.responses.insert("200".into(), response);
        self.responses.insert("400".into(), shared("400"));
        self
    }

    /// A whole (unpaged) list wrapped as `{ "items": [...] }`.
    pub fn list_of<T: JsonSchema>(mut self, description: &str) -> Self {
        let item: Value = self.doc.responses.subschema_for::<T>().into();
        self.responses.insert(
            "200".into(),
            json_response(
                description,
                json!({
                    "type": "object",
                    "required": ["items"],
                    "properties": { "items": { "type": "array", "items": item } }
                }),
            ),
        );
        self
    }

    /// A 200 answer in another media type as well, chosen by `Accept`.
    pub fn also_as(mut self, media_type: &str, schema: Value) -> Self {
        if let Some(content) = self
            .responses
            .get_mut("200")
            .and_then(|r| r.get_mut("content"))
            .and_then(Value::as_object_mut)
        {
            content.insert(media_type.to_owned(), json!({ "schema": schema }));
        }
        self
    }

    /// OpenAPI links from the success answer: `parameter` of each named operation takes its
    /// value from `expression` (such as `$response.body#/id`), so clients and fuzzers can follow
    /// a new record to what can be done with it. Call after the success answer is set.
    pub fn links(mut self, parameter: &str, expression: &str, operation_ids: &[&str]) -> Self {
        let success = self
            .responses
            .iter_mut()
            .find(|(status, _)| status.starts_with('2'))
            .map(|(_, response)| response);
        if let Some(response) = success {
            let links: Map<String, Value> = operation_ids
                .iter()
                .map(|id| {
                    let link =
                        json!({ "operationId": id, "parameters": { parameter: expression } });
                    ((*id).to_owned(), link)
                })
                .collect();
            response["links"] = links.into();
        }
        self
    }

    /// Another problem answer this operation gives, such as 409 for a duplicate.
    pub fn fails(mut self, status: u16, description: &str) -> Self {
        self.responses
            .insert(status.to_string(), problem(description));
        self
    }

    /// An operation its caller authenticates by signing the request (`how` says with what)
    /// instead of a bearer token; a missing, stale or bad signature is 401.
    pub fn signed(mut self, how: &str) -> Self {
        self.fields.insert("security".into(), json!([]));
        self.description.push(format!(
            "Authenticated by the sender's signature, not a bearer token: {how}"
        ));
        self.responses.insert(
            "401".into(),
            problem("The signature is missing, stale or does not match; nothing was done."),
        );
        self.signed = true;
        self
    }

    /// Adds the answers every route shares, then the operation.
    pub fn add(mut self) {
        for name in path_parameter_names(self.path) {
            let described = self
                .parameters
                .iter()
                .any(|p| p["in"] == "path" && p["name"] == name);
            if !described {
                self.parameters.push(json!({
                    "name": name, "in": "path", "required": true, "schema": { "type": "string" }
                }));
            }
        }
        if self.method == "post" && !self.signed {
            self.parameters.push(shared_parameter("IdempotencyKey"));
            let in_progress = "`request-in-progress`: a retry sent while its first attempt (same \
                Idempotency-Key) is still being handled; send it again after `Retry-After`.";
            match self.responses.get_mut("409") {
                Some(own) => {
                    let described = own["description"].as_str().unwrap_or_default();
                    own["description"] = format!("{described} Also {in_progress}").into();
                }
                None => {
                    self.responses.insert("409".into(), problem(in_progress));
                }
            }
        }
        let applies = |status: &str| match status {
            // A signed route checks no authority and reads its body itself.
            "403" | "415" | "422" if self.signed => false,
            "404" => self.path.contains('{'),
            "400" | "413" | "415" | "422" => self.has_body,
            "412" => false,
            _ => true,
        };
        for (status, _, _) in SHARED_ANSWERS {
            if applies(status) {
                self.responses
                    .entry((*status).to_owned())
                    .or_insert_with(|| shared(status));
            }
        }
        if !self.description.is_empty() {
            self.fields
                .insert("description".into(), self.description.join("\n\n").into());
        }
        if !self.parameters.is_empty() {
            self.fields
                .insert("parameters".into(), self.parameters.into());
        }
        self.fields.insert(
            "responses".into(),
            serde_json::to_value(self.responses).unwrap_or_default(),
        );
        let previous = self
            .doc
            .paths
            .entry(self.path)
            .or_default()
            .insert(self.method, self.fields.into());
        assert!(
            previous.is_none(),
            "{} {} is documented twice",
            self.method,
            self.path
        );
    }
}

fn path_parameter_names(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .collect()
}

fn json_response(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

fn problem(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/problem+json": { "schema": { "$ref": PROBLEM } } }
    })
}

fn etag_header() -> Value {
    json!({ "description": "The record's version, for If-Match.", "schema": { "type": "string" } })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(schemars::JsonSchema, serde::Serialize)]
    #[allow(dead_code)]
    struct Thing {
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    }

    #[test]
    fn an_operation_gets_the_shared_answers_and_its_parameters() {
        let mut doc = ApiDoc::new();
        doc.get("/things/{id}", "getThing", "Read a thing")
            .authority("thing.read")
            .ok_record::<Thing>("The thing.")
            .add();
        doc.post("/things", "createThing", "Create a thing")
            .body::<Thing>()
            .created::<Thing>("Created.")
            .add();
        let listed: Vec<_> = doc
            .operations()
            .iter()
            .map(|o| format!("{} {}", o.method, o.path))
            .collect();
        assert_eq!(listed, ["post /things", "get /things/{id}"]);
        let document = doc.into_document("t", "1", "d");
        let get = &document["paths"]["/things/{id}"]["get"];
        assert_eq!(get["x-authority"], "thing.read");
        assert_eq!(get["parameters"][0]["name"], "id");
        for status in ["200", "401", "403", "404", "429", "default"] {
            assert!(get["responses"].get(status).is_some(), "{status}");
        }
        assert!(get["responses"].get("422").is_none());
        let post = &document["paths"]["/things"]["post"];
        assert_eq!(
            post["parameters"][0]["$ref"],
            "#/components/parameters/IdempotencyKey"
        );
        assert_eq!(
            post["responses"]["422"]["$ref"],
            "#/components/responses/Unprocessable"
        );
        assert!(document["components"]["responses"]["Unprocessable"].is_object());
        for status in ["201", "400", "413", "415", "422"] {
            assert!(post["responses"].get(status).is_some(), "{status}");
        }
        assert!(post["responses"].get("404").is_none());
        let thing = &document["components"]["schemas"]["Thing"];
        assert_eq!(thing["required"], json!(["name"]), "{thing}");
        assert!(document["components"]["schemas"]["Problem"].is_object());
    }

    #[test]
    #[should_panic(expected = "documented twice")]
    fn an_operation_documented_twice_is_a_bug() {
        let mut doc = ApiDoc::new();
        doc.get("/x", "a", "a").add();
        doc.get("/x", "b", "b").add();
    }
}
