//! The IAM policies in `assets/iam/` list exactly what the AWS adapters call: every SDK operation
//! found in `src/cloud/aws/` is allowed (reads in both policies, changes in the operator's only),
//! and the read-only policy allows nothing that changes anything but Athena's query results in
//! their own bucket (a query writes them); creating the access-log tables is the operator's.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The client fields of `AwsClients` and the IAM prefix of their service.
const SERVICES: &[(&str, &str)] = &[
    ("codepipeline", "codepipeline"),
    ("s3", "s3"),
    ("cloudfront", "cloudfront"),
    ("logs", "logs"),
    ("cloudwatch", "cloudwatch"),
    ("cloudwatch_cdn", "cloudwatch"),
    ("sts", "sts"),
    ("ecr", "ecr"),
    ("codebuild", "codebuild"),
    ("athena", "athena"),
];

/// The read-only policy's one statement that writes: Athena's query results, in their bucket.
const RESULTS: &str = "WriteAthenaQueryResults";

fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// The IAM action an SDK operation needs (S3's differ from the operation names).
fn iam_action(service: &str, op: &str) -> String {
    match (service, op) {
        ("s3", "list_objects_v2") => "s3:ListBucket".into(),
        ("s3", "list_object_versions") => "s3:ListBucketVersions".into(),
        ("s3", "head_object") => "s3:GetObject".into(),
        (
            "s3",
            "create_multipart_upload" | "upload_part" | "complete_multipart_upload" | "copy_object",
        ) => "s3:PutObject".into(),
        _ => format!("{service}:{}", pascal(op)),
    }
}

/// (service, operation) for every `.client.operation(` call in the adapters' source (every
/// file under `src/cloud/aws/`, its service folders included).
fn sdk_calls() -> BTreeSet<(String, String)> {
    let mut files = Vec::new();
    let mut dirs = vec![Path::new(ROOT).join("src/cloud/aws")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut calls = BTreeSet::new();
    for path in files {
        let text: String = std::fs::read_to_string(&path)
            .unwrap()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        for (field, service) in SERVICES {
            let needle = format!(".{field}.");
            for (at, _) in text.match_indices(&needle) {
                let rest = &text[at + needle.len()..];
                let op: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                    .collect();
                if !op.is_empty() && rest[op.len()..].starts_with('(') {
                    calls.insert((service.to_string(), op));
                }
            }
        }
    }
    calls
}

fn actions(file: &str) -> BTreeSet<String> {
    actions_but(file, None)
}

/// The actions of every statement of `file` but the one named `skip`.
fn actions_but(file: &str, skip: Option<&str>) -> BTreeSet<String> {
    let path = Path::new(ROOT).join("assets/iam").join(file);
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(doc["Version"], "2012-10-17", "{file}");
    let mut out = BTreeSet::new();
    for statement in doc["Statement"].as_array().unwrap() {
        if skip.is_some() && statement["Sid"].as_str() == skip {
            continue;
        }
        assert_eq!(statement["Effect"], "Allow", "{file}: {statement}");
        assert!(statement["Resource"].is_string() || statement["Resource"].is_array());
        match &statement["Action"] {
            Value::String(a) => {
                out.insert(a.clone());
            }
            Value::Array(list) => out.extend(list.iter().map(|a| a.as_str().unwrap().to_string())),
            other => panic!("{file}: Action must be a string or a list, got {other}"),
        }
    }
    assert!(
        out.iter().all(|a| !a.contains('*')),
        "{file}: no wildcard actions"
    );
    out
}

fn is_read(op: &str) -> bool {
    [
        "get_",
        "list_",
        "head_",
        "filter_",
        "describe_",
        "batch_get_",
    ]
    .iter()
    .any(|p| op.starts_with(p))
        || [
            "start_live_tail",
            "start_query",
            "stop_query",
            "start_query_execution",
            "stop_query_execution",
        ]
        .contains(&op)
}

#[test]
fn every_sdk_call_is_allowed_by_the_matching_policy() {
    let calls = sdk_calls();
    let ops: BTreeSet<&str> = calls.iter().map(|(_, op)| op.as_str()).collect();
    for expected in [
        "get_pipeline_state",
        "put_approval_result",
        "list_objects_v2",
        "get_distribution",
        "filter_log_events",
        "get_caller_identity",
        "describe_images",
        "batch_get_projects",
        "start_query_execution",
        "get_query_execution",
    ] {
        assert!(ops.contains(expected), "the scan found {ops:?}");
    }
    let read_only = actions_but("shipdeck-read-only.json", Some(RESULTS));
    let operator = actions("shipdeck-operator.json");
    for (service, op) in &calls {
        let action = iam_action(service, op);
        assert!(
            operator.contains(&action),
            "{action} ({op}) missing from the operator policy"
        );
        if is_read(op) {
            assert!(
                read_only.contains(&action),
                "{action} ({op}) missing from the read-only policy"
            );
        } else {
            assert!(
                !read_only.contains(&action),
                "{action} changes things: not read-only"
            );
        }
    }
}

#[test]
fn read_only_allows_only_reads_and_operator_adds_the_actions() {
    let operator = actions("shipdeck-operator.json");
    assert!(
        actions("shipdeck-read-only.json").is_subset(&operator),
        "the operator can watch too"
    );
    let read_only = actions_but("shipdeck-read-only.json", Some(RESULTS));
    for a in &read_only {
        let verb = a.split(':').nth(1).unwrap();
        assert!(
            ["Get", "List", "Describe", "Filter", "BatchGet"]
                .iter()
                .any(|p| verb.starts_with(p))
                || [
                    "logs:StartLiveTail",
                    "logs:StartQuery",
                    "logs:StopQuery",
                    "athena:StartQueryExecution",
                    "athena:StopQueryExecution",
                ]
                .contains(&a.as_str()),
            "{a} is not a read"
        );
    }
    for a in [
        "codepipeline:PutApprovalResult",
        "codepipeline:StartPipelineExecution",
        "codepipeline:StopPipelineExecution",
        "codepipeline:RetryStageExecution",
        "codepipeline:RollbackStage",
        "codepipeline:DisableStageTransition",
        "codepipeline:EnableStageTransition",
        "s3:PutObject",
        "s3:GetObject",
        "cloudfront:CreateInvalidation",
        "cloudfront:GetInvalidation",
        "glue:CreateDatabase",
        "glue:CreateTable",
    ] {
        assert!(operator.contains(a), "operator policy lacks {a}");
    }
    // A query reads the catalog; creating a table is the operator's.
    for a in [
        "glue:GetDatabase",
        "glue:GetTable",
        "glue:GetPartitions",
        "athena:GetWorkGroup",
    ] {
        assert!(read_only.contains(a), "read-only policy lacks {a}");
    }
    // The one write of the read-only policy: query results, in their own bucket only.
    let path = Path::new(ROOT).join("assets/iam/shipdeck-read-only.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let results = doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Sid"] == RESULTS)
        .expect("the query results statement");
    assert_eq!(
        results["Resource"], "arn:aws:s3:::storefront-athena-results/*",
        "{results}"
    );
}
