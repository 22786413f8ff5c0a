//! A workflow file's triggers and the inputs its `on.workflow_dispatch.inputs` declares, and the
//! check of a dispatch's inputs against them (what GitHub refuses with a 422, said before sending).

use super::DispatchRequest;
use std::collections::BTreeMap;
use yaml_rust2::{Yaml, YamlLoader};

/// The type of a declared input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputKind {
    /// `string` (the default).
    String,
    /// `boolean`: `true` or `false`.
    Boolean,
    /// `number`.
    Number,
    /// `choice` among `options`.
    Choice(Vec<String>),
    /// `environment`: one of the repository's environments.
    Environment,
}

/// One input of `on.workflow_dispatch.inputs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredInput {
    /// Its name.
    pub name: String,
    /// `description`.
    pub description: String,
    /// `required`.
    pub required: bool,
    /// `default`, as text.
    pub default: Option<String>,
    /// `type`.
    pub kind: InputKind,
}

/// What a workflow file says about being started by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowTriggers {
    /// The events under `on`, in file order.
    pub events: Vec<String>,
    /// The inputs of `workflow_dispatch`, in file order; `None` when it has no such trigger.
    pub dispatch_inputs: Option<Vec<DeclaredInput>>,
}

/// Reads the triggers of a workflow file (`file` names it in messages).
pub fn read_workflow(file: &str, text: &str) -> Result<WorkflowTriggers, String> {
    let docs = YamlLoader::load_from_str(text).map_err(|e| format!("{file}: invalid YAML: {e}"))?;
    let Some(doc) = docs.first() else {
        return Err(format!("{file}: empty workflow file"));
    };
    let on = &doc["on"];
    let mut events = Vec::new();
    let mut dispatch = None;
    match on {
        Yaml::String(event) => events.push(event.clone()),
        Yaml::Array(list) => {
            events.extend(list.iter().filter_map(|e| e.as_str().map(String::from)))
        }
        Yaml::Hash(map) => {
            for (key, value) in map {
                let Some(event) = key.as_str() else { continue };
                events.push(event.to_string());
                if event == "workflow_dispatch" {
                    dispatch = Some(value);
                }
            }
        }
        _ => return Err(format!("{file}: no `on:` triggers")),
    }
    let dispatchable = events.iter().any(|e| e == "workflow_dispatch");
    let dispatch_inputs = if dispatchable {
        Some(match dispatch.map(|d| &d["inputs"]) {
            Some(Yaml::Hash(inputs)) => inputs
                .iter()
                .map(|(name, spec)| declared(file, name, spec))
                .collect::<Result<Vec<_>, _>>()?,
            _ => Vec::new(),
        })
    } else {
        None
    };
    Ok(WorkflowTriggers {
        events,
        dispatch_inputs,
    })
}

/// A scalar as text (`default: 3`, `default: true`, `default: "x"`).
fn scalar(v: &Yaml) -> Option<String> {
    match v {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

fn declared(file: &str, name: &Yaml, spec: &Yaml) -> Result<DeclaredInput, String> {
    let name = scalar(name).ok_or_else(|| format!("{file}: an input without a name"))?;
    let kind = match spec["type"].as_str().unwrap_or("string") {
        "string" => InputKind::String,
        "boolean" => InputKind::Boolean,
        "number" => InputKind::Number,
        "environment" => InputKind::Environment,
        "choice" => InputKind::Choice(
            spec["options"]
                .as_vec()
                .map(|o| o.iter().filter_map(scalar).collect())
                .unwrap_or_default(),
        ),
        other => {
            return Err(format!(
                "{file}: input `{name}` has type `{other}`; GitHub knows string, boolean, \
                 number, choice and environment"
            ));
        }
    };
    Ok(DeclaredInput {
        description: spec["description"].as_str().unwrap_or("").to_string(),
        required: spec["required"].as_bool().unwrap_or(false),
        default: scalar(&spec["default"]),
        kind,
        name,
    })
}

/// Checks a dispatch against the workflow's triggers: it must have `workflow_dispatch`, every
/// input must be declared and of its type, every required input without a default given.
/// Every problem is said, in one message.
pub fn check_inputs(triggers: &WorkflowTriggers, req: &DispatchRequest) -> Result<(), String> {
    let file = &req.workflow;
    let Some(declared) = &triggers.dispatch_inputs else {
        return Err(format!(
            "{file} cannot be started by hand: it has no `workflow_dispatch` trigger (its \
             triggers: {})",
            list(&triggers.events)
        ));
    };
    let by_name: BTreeMap<&str, &DeclaredInput> =
        declared.iter().map(|d| (d.name.as_str(), d)).collect();
    let names: Vec<String> = declared.iter().map(|d| d.name.clone()).collect();
    let mut problems = Vec::new();
    for (name, value) in &req.inputs {
        let Some(input) = by_name.get(name.as_str()) else {
            problems.push(format!(
                "`{name}` is not an input of {file} (declared: {})",
                list(&names)
            ));
            continue;
        };
        match &input.kind {
            InputKind::Boolean if value != "true" && value != "false" => problems.push(format!(
                "`{name}` is a boolean: true or false, not `{value}`"
            )),
            InputKind::Number if value.trim().parse::<f64>().is_err() => {
                problems.push(format!("`{name}` is a number, not `{value}`"))
            }
            InputKind::Choice(options) if !options.contains(value) => problems.push(format!(
                "`{name}` is one of {}, not `{value}`",
                list(options)
            )),
            _ => {}
        }
    }
    for input in declared {
        if input.required && input.default.is_none() && !req.inputs.contains_key(&input.name) {
            problems.push(format!("`{}` is required by {file}", input.name));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RELEASE: &str = r#"
name: release
on:
  workflow_dispatch:
    inputs:
      bump:
        description: Which part of the version to raise
        type: choice
        options: [patch, minor, major]
        default: patch
      notes:
        description: Release notes
        required: true
      dry_run:
        type: boolean
        default: false
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - run: make release
"#;

    fn req(workflow: &str, inputs: &[(&str, &str)]) -> DispatchRequest {
        DispatchRequest {
            workflow: workflow.into(),
            git_ref: "main".into(),
            inputs: inputs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn declared_inputs_are_read_in_file_order_with_their_types() {
        let t = read_workflow("release.yml", RELEASE).unwrap();
        assert_eq!(t.events, vec!["workflow_dispatch"]);
        let inputs = t.dispatch_inputs.unwrap();
        let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["bump", "notes", "dry_run"]);
        assert_eq!(
            inputs[0].kind,
            InputKind::Choice(vec!["patch".into(), "minor".into(), "major".into()])
        );
        assert_eq!(inputs[0].default.as_deref(), Some("patch"));
        assert!(inputs[1].required);
        assert_eq!(inputs[2].kind, InputKind::Boolean);
        assert_eq!(inputs[2].default.as_deref(), Some("false"));
    }

    #[test]
    fn every_form_of_on_is_read() {
        let t = read_workflow("d.yml", "on: push\njobs: {}\n").unwrap();
        assert_eq!((t.events, t.dispatch_inputs), (vec!["push".into()], None));
        let t = read_workflow("d.yml", "on: [push, workflow_dispatch]\n").unwrap();
        assert_eq!(t.dispatch_inputs, Some(vec![]));
        let t = read_workflow(
            "d.yml",
            "on:\n  push:\n    branches: [main]\n  workflow_dispatch:\n",
        )
        .unwrap();
        assert_eq!(t.events, vec!["push", "workflow_dispatch"]);
        assert_eq!(t.dispatch_inputs, Some(vec![]));
        let e = read_workflow("d.yml", "on: [push\n").unwrap_err();
        assert!(e.starts_with("d.yml: invalid YAML"), "{e}");
        let e = read_workflow("d.yml", "jobs: {}\n").unwrap_err();
        assert_eq!(e, "d.yml: no `on:` triggers");
    }

    #[test]
    fn a_dispatch_is_checked_against_the_declared_inputs() {
        let t = read_workflow("release.yml", RELEASE).unwrap();
        assert_eq!(
            check_inputs(&t, &req("release.yml", &[("notes", "Spring sale")])),
            Ok(())
        );
        let e = check_inputs(
            &t,
            &req(
                "release.yml",
                &[("bump", "huge"), ("dry_run", "yes"), ("enviroment", "prd")],
            ),
        )
        .unwrap_err();
        assert_eq!(
            e,
            "`bump` is one of patch, minor, major, not `huge`; `dry_run` is a boolean: true or \
             false, not `yes`; `enviroment` is not an input of release.yml (declared: bump, \
             notes, dry_run); `notes` is required by release.yml"
        );
        let push_only = read_workflow("deploy.yml", "on: push\n").unwrap();
        let e = check_inputs(&push_only, &req("deploy.yml", &[])).unwrap_err();
        assert_eq!(
            e,
            "deploy.yml cannot be started by hand: it has no `workflow_dispatch` trigger (its \
             triggers: push)"
        );
    }
}
