//! A component's route table that also knows its own operations, so the OpenAPI document can be
//! checked against what is really served: axum's `Router` cannot list its routes, and a list
//! kept by hand beside it would drift.

use crate::Services;
use axum::Router;
use axum::handler::Handler;
use axum::routing::{MethodRouter, delete, get, patch, post, put};

/// One served operation: a lowercase HTTP method and an axum path template such as
/// `/api/v1/users/{user}` (the same template syntax OpenAPI uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Operation {
    pub method: &'static str,
    pub path: &'static str,
}

/// Builds a `Router<Services>` one operation at a time and, outside wasm (where the document's
/// tests run), remembers each operation: a request's instance has no use for the list.
#[derive(Default)]
pub struct RouteTable {
    router: Router<Services>,
    /// Routes whose callers prove themselves by signing the request (chat platforms, e-mail
    /// providers), checked by the handler; they skip bearer authentication.
    signed: Router<Services>,
    #[cfg(not(target_arch = "wasm32"))]
    operations: Vec<Operation>,
}

impl RouteTable {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, Services>,
        T: 'static,
    {
        self.add("get", path, get(handler))
    }

    pub fn post<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, Services>,
        T: 'static,
    {
        self.add("post", path, post(handler))
    }

    pub fn put<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, Services>,
        T: 'static,
    {
        self.add("put", path, put(handler))
    }

    pub fn patch<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, Services>,
        T: 'static,
    {
        self.add("patch", path, patch(handler))
    }

    pub fn delete<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, Services>,
        T: 'static,
    {
        self.add("delete", path, delete(handler))
    }

    /// A POST its handler authenticates by the sender's signature instead of a bearer token.
    pub fn signed_post<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, Services>,
        T: 'static,
    {
        self.signed_post_up_to(path, handler, crate::services::MAX_BODY_BYTES)
    }

    /// A signed POST whose bodies may be larger than other routes' (an e-mail with its
    /// attachments), up to `max_body_bytes`.
    pub fn signed_post_up_to<H, T>(
        mut self,
        path: &'static str,
        handler: H,
        max_body_bytes: usize,
    ) -> Self
    where
        H: Handler<T, Services>,
        T: 'static,
    {
        // The route's own limit is applied after the app-wide one, so it is the one that holds.
        let route = post(handler).layer(axum::extract::DefaultBodyLimit::max(max_body_bytes));
        self.signed = self.signed.route(path, route);
        #[cfg(not(target_arch = "wasm32"))]
        self.operations.push(Operation {
            method: "post",
            path,
        });
        self
    }

    /// axum merges a second method on a known path into the same endpoint.
    fn add(
        mut self,
        method: &'static str,
        path: &'static str,
        endpoint: MethodRouter<Services>,
    ) -> Self {
        self.router = self.router.route(path, endpoint);
        #[cfg(not(target_arch = "wasm32"))]
        self.operations.push(Operation { method, path });
        #[cfg(target_arch = "wasm32")]
        let _ = method;
        self
    }

    /// Every operation, sorted by path then method.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn operations(&self) -> Vec<Operation> {
        let mut operations = self.operations.clone();
        operations.sort_by_key(|o| (o.path, o.method));
        operations
    }

    /// The routes that need a bearer token, and those their handlers authenticate themselves.
    pub fn into_routers(self) -> (Router<Services>, Router<Services>) {
        (self.router, self.signed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn ok() -> &'static str {
        "ok"
    }

    #[test]
    fn every_added_operation_is_listed_once_in_path_order() {
        let table = RouteTable::new()
            .post("/b", ok)
            .get("/b", ok)
            .get("/a/{id}", ok)
            .patch("/a/{id}", ok);
        let listed: Vec<_> = table
            .operations()
            .into_iter()
            .map(|o| format!("{} {}", o.method, o.path))
            .collect();
        assert_eq!(
            listed,
            ["get /a/{id}", "patch /a/{id}", "get /b", "post /b"]
        );
    }
}
