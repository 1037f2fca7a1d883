//! HTTP route matching with Spin's rules (`spin:crates/routes`): exact paths, `:name` segments and
//! a trailing `/...`; the best match wins whatever the declaration order (exact before wildcard,
//! then the longer prefix, then literal segments before `:name`); for duplicates the last wins.

use crate::manifest::{Manifest, RouteSpec};

#[derive(Debug, Clone)]
pub struct Route {
    /// The route as written, with the base applied (`/api/...`): the `spin-matched-route` value.
    pub raw: String,
    segments: Vec<Segment>,
    wildcard: bool,
    pub component: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Literal(String),
    Param(String),
}

/// What a request matched: the component and the values for the `spin-*` headers.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteMatch {
    pub component: String,
    pub raw_route: String,
    /// The route without its trailing `/...`.
    pub component_route: String,
    /// The part of the path after the matched prefix (`""` for an exact match).
    pub path_info: String,
    pub params: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct Router {
    routes: Vec<Route>,
}

impl Router {
    pub fn from_manifest(manifest: &Manifest) -> Self {
        let base = manifest.base();
        let mut router = Router::default();
        for trigger in &manifest.trigger.http {
            if let RouteSpec::Path(path) = &trigger.route {
                router.add(&join(base, path), &trigger.component);
            }
        }
        router
    }

    /// Adds a route; a route equal to an earlier one replaces it (Spin: the last one wins).
    pub fn add(&mut self, route: &str, component: &str) {
        let trimmed = route.trim_end_matches('/');
        let (prefix, wildcard) = match trimmed
            .strip_suffix("/...")
            .or_else(|| trimmed.strip_suffix("/*"))
        {
            Some(prefix) => (prefix, true),
            None if trimmed == "..." || route == "/..." => ("", true),
            None => (trimmed, false),
        };
        let segments: Vec<Segment> = split(prefix)
            .map(|s| match s.strip_prefix(':') {
                Some(name) => Segment::Param(name.to_owned()),
                None => Segment::Literal(s.to_owned()),
            })
            .collect();
        let new = Route {
            raw: if route.len() > 1 {
                route.trim_end_matches('/').to_owned()
            } else {
                route.to_owned()
            },
            segments,
            wildcard,
            component: component.to_owned(),
        };
        self.routes
            .retain(|r| !(r.segments == new.segments && r.wildcard == new.wildcard));
        self.routes.push(new);
    }

    pub fn route(&self, path: &str) -> Option<RouteMatch> {
        let path_segments: Vec<&str> = split(path).collect();
        self.routes
            .iter()
            .filter_map(|route| {
                route
                    .matches(path, &path_segments)
                    .map(|m| (route.rank(), m))
            })
            .max_by(|(a, _), (b, _)| a.cmp(b))
            .map(|(_, m)| m)
    }
}

impl Route {
    /// Higher is better: exact beats wildcard, then more segments, then literals before params.
    fn rank(&self) -> (bool, usize, Vec<bool>) {
        (
            !self.wildcard,
            self.segments.len(),
            self.segments
                .iter()
                .map(|s| matches!(s, Segment::Literal(_)))
                .collect(),
        )
    }

    fn matches(&self, path: &str, path_segments: &[&str]) -> Option<RouteMatch> {
        let fits = if self.wildcard {
            path_segments.len() >= self.segments.len()
        } else {
            path_segments.len() == self.segments.len()
        };
        if !fits {
            return None;
        }
        let mut params = Vec::new();
        for (segment, actual) in self.segments.iter().zip(path_segments) {
            match segment {
                Segment::Literal(lit) if lit == actual => {}
                Segment::Literal(_) => return None,
                Segment::Param(name) => params.push((name.clone(), (*actual).to_owned())),
            }
        }
        let component_route = self
            .raw
            .strip_suffix("/...")
            .unwrap_or(&self.raw)
            .to_owned();
        Some(RouteMatch {
            component: self.component.clone(),
            raw_route: self.raw.clone(),
            component_route: if component_route == "/..." {
                String::new()
            } else {
                component_route
            },
            path_info: if self.wildcard {
                path_info(path, self.segments.len())
            } else {
                String::new()
            },
            params,
        })
    }
}

/// The rest of `path` after its first `consumed` segments, keeping a trailing slash.
fn path_info(path: &str, consumed: usize) -> String {
    let mut rest = path;
    for _ in 0..consumed {
        rest = rest.trim_start_matches('/');
        rest = rest.find('/').map_or("", |i| &rest[i..]);
    }
    rest.to_owned()
}

fn split(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

fn join(base: &str, route: &str) -> String {
    let base = base.trim_end_matches('/');
    if route.starts_with('/') {
        format!("{base}{route}")
    } else {
        format!("{base}/{route}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router(routes: &[(&str, &str)]) -> Router {
        let mut r = Router::default();
        for (route, component) in routes {
            r.add(route, component);
        }
        r
    }

    fn component(r: &Router, path: &str) -> Option<String> {
        r.route(path).map(|m| m.component)
    }

    #[test]
    fn exact_routes_match_only_their_path() {
        let r = router(&[("/foo", "foo"), ("/foo/bar", "foobar")]);
        assert_eq!(component(&r, "/foo").as_deref(), Some("foo"));
        assert_eq!(component(&r, "/foo/bar").as_deref(), Some("foobar"));
        assert_eq!(component(&r, "/foo/baz"), None);
    }

    #[test]
    fn a_root_wildcard_matches_everything_including_the_root() {
        let r = router(&[("/...", "all")]);
        for path in ["/", "/abc/", "/foo/bar"] {
            assert_eq!(component(&r, path).as_deref(), Some("all"), "{path}");
        }
    }

    #[test]
    fn the_longest_wildcard_wins_whatever_the_order() {
        let r = router(&[
            ("/one/two/three/...", "three"),
            ("/one/...", "one"),
            ("/one/two/...", "two"),
        ]);
        assert_eq!(
            component(&r, "/one/two/three/four").as_deref(),
            Some("three")
        );
        assert_eq!(component(&r, "/one/two/x").as_deref(), Some("two"));
    }

    #[test]
    fn exact_beats_wildcard_and_literal_beats_param() {
        let r = router(&[
            ("/...", "wild"),
            ("/one", "exact"),
            ("/a/:x", "param"),
            ("/a/b", "lit"),
        ]);
        assert_eq!(component(&r, "/one").as_deref(), Some("exact"));
        assert_eq!(component(&r, "/a/b").as_deref(), Some("lit"));
        assert_eq!(component(&r, "/a/c").as_deref(), Some("param"));
    }

    #[test]
    fn the_last_duplicate_wins() {
        let r = router(&[("/foo", "first"), ("/foo", "second")]);
        assert_eq!(component(&r, "/foo").as_deref(), Some("second"));
    }

    #[test]
    fn path_info_and_params_are_reported_as_spin_does() {
        let r = router(&[("/users/:userid/cart/...", "cart"), ("/test/...", "test")]);
        let m = r.route("/users/1/cart/items/3/edit").expect("match");
        assert_eq!(m.path_info, "/items/3/edit");
        assert_eq!(m.params, vec![("userid".to_owned(), "1".to_owned())]);
        assert_eq!(m.raw_route, "/users/:userid/cart/...");
        assert_eq!(m.component_route, "/users/:userid/cart");
        assert_eq!(r.route("/test").expect("match").path_info, "");
        assert_eq!(r.route("/test/").expect("match").path_info, "/");
        assert_eq!(r.route("/test/hello/").expect("match").path_info, "/hello/");
    }
}
