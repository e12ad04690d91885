//! The layers' one-way arrows (docs/architecture.md), checked on the source: `http` ->
//! `service` -> `domain` and `db`. A module that imports against an arrow fails here,
//! whatever it compiles to.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, with its code (comments removed, so that a module's
/// description may name what it does not use).
fn code_under(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let code: Vec<&str> = text.lines().map(|l| l.split_once("//").map_or(l, |(code, _)| code)).collect();
                out.push((path, code.join("\n")));
            }
        }
    }
    assert!(!out.is_empty(), "no sources under {}", dir.display());
    out
}

fn assert_imports_none(layer: &str, forbidden: &[&str]) {
    let mut offences = Vec::new();
    for (path, code) in code_under(&src().join(layer)) {
        for word in forbidden {
            if code.contains(word) {
                offences.push(format!("{} uses {word}", path.display()));
            }
        }
    }
    assert!(offences.is_empty(), "{layer} reaches against the arrows:\n{}", offences.join("\n"));
}

#[test]
fn domain_depends_on_nothing_of_ours_but_itself() {
    assert_imports_none(
        "domain",
        &[
            "actix",
            "diesel",
            "crate::db",
            "crate::service",
            "crate::http",
            "crate::error",
            "crate::state",
            "crate::auth",
        ],
    );
}

#[test]
fn db_knows_neither_http_nor_services() {
    assert_imports_none(
        "db",
        &["actix", "crate::service", "crate::http", "crate::error", "crate::state", "crate::auth"],
    );
}

#[test]
fn services_answer_with_their_own_errors_not_http() {
    assert_imports_none("service", &["actix", "crate::http", "crate::error", "ApiError"]);
}

#[test]
fn auth_primitives_do_not_reach_up() {
    assert_imports_none("auth", &["actix", "crate::service", "crate::http", "crate::error", "crate::state"]);
}

/// The service modules another service module refers to.
fn service_graph() -> BTreeMap<String, BTreeSet<String>> {
    let dir = src().join("service");
    let modules: BTreeSet<String> = code_under(&dir)
        .iter()
        .filter_map(|(p, _)| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .filter(|m| m != "mod" && m != "error")
        .collect();
    let path_ref = regex::Regex::new(r"(?:crate::service::|super::)([a-z_]+)").unwrap();
    let group_ref = regex::Regex::new(r"(?:crate::service|super)::\{([^}]*)\}").unwrap();
    let mut graph = BTreeMap::new();
    for (path, code) in code_under(&dir) {
        let Some(me) = path.file_stem().map(|s| s.to_string_lossy().into_owned()) else { continue };
        if !modules.contains(&me) {
            continue;
        }
        let mut uses: BTreeSet<String> = path_ref.captures_iter(&code).map(|c| c[1].to_string()).collect();
        for group in group_ref.captures_iter(&code) {
            uses.extend(group[1].split(',').map(|n| n.trim().split("::").next().unwrap_or("").to_string()));
        }
        uses.retain(|m| modules.contains(m) && *m != me);
        graph.insert(me, uses);
    }
    graph
}

#[test]
fn service_modules_import_each_other_one_way_only() {
    let graph = service_graph();
    assert!(graph.contains_key("articles") && graph.contains_key("public"), "{graph:?}");
    // Depth-first search for a cycle, reporting the first one found.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, &graph, &mut Vec::new(), &mut done) {
            panic!("service modules import each other in a circle: {}", cycle.join(" -> "));
        }
    }
}

/// The OpenAPI attributes (`#[schema(...)]`, `#[param(...)]`, `#[utoipa::path(...)]`,
/// `#[into_params(...)]`) in `code`, each as the text between its brackets. Line
/// comments are left out; strings are skipped when matching brackets.
fn openapi_attributes(code: &str) -> Vec<String> {
    let code: String = code.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    let mut found = Vec::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("#[") {
        rest = &rest[at + 2..];
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
        if !["schema", "param", "utoipa::path", "into_params"].contains(&name.as_str()) {
            continue;
        }
        let (mut depth, mut in_string, mut escaped, mut end) = (1, false, false, rest.len());
        for (i, c) in rest.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                '[' if !in_string => depth += 1,
                ']' if !in_string => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        found.push(rest[..end].to_string());
        rest = &rest[end..];
    }
    found
}

/// A constraint an OpenAPI attribute states by itself, if it has one.
fn constraint_literal(attribute: &str) -> Option<String> {
    let keys = "max_length|min_length|maximum|minimum|exclusive_maximum|exclusive_minimum|multiple_of|min_items|max_items|pattern";
    let constraint = regex::Regex::new(&format!(r"\b({keys})\s*=")).unwrap();
    constraint.find(attribute).map(|m| m.as_str().to_string())
}

/// Limits and patterns have one source: the domain's constants, which the validators
/// use and `http::openapi_rules` writes into the spec. utoipa's attributes take only
/// literals, so a limit stated in one would be a second copy that can drift.
#[test]
fn spec_constraints_come_from_the_domain_not_attribute_literals() {
    assert_eq!(
        openapi_attributes("#[schema(value_type = String, example = json!({\"a\": \"]\"}), max_length = 3)]")
            .iter()
            .filter_map(|a| constraint_literal(a))
            .collect::<Vec<_>>(),
        ["max_length ="]
    );
    assert!(openapi_attributes("#[param(\n    minimum = 1)]").iter().any(|a| constraint_literal(a).is_some()));
    assert!(openapi_attributes("#[serde(default)]\n// #[schema(pattern = \"x\")]\n").is_empty());

    let mut offences = Vec::new();
    let mut attributes = 0;
    for (path, _) in code_under(&src()) {
        let text = std::fs::read_to_string(&path).unwrap();
        for attribute in openapi_attributes(&text) {
            attributes += 1;
            if let Some(key) = constraint_literal(&attribute) {
                offences.push(format!("{}: `{key}` in #[{attribute}]", path.display()));
            }
        }
    }
    assert!(attributes > 100, "the scan found only {attributes} OpenAPI attributes");
    assert!(
        offences.is_empty(),
        "state limits and patterns in http::openapi_rules from the domain's constants:\n{}",
        offences.join("\n")
    );
}
