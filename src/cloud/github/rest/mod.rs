//! The GitHub port over GitHub's REST API (github.com or a GitHub Enterprise server), on the
//! HTTP stack the AWS SDK already links: hyper's client with rustls. Each call is one request
//! (pages followed where a list asks for more), bounded by a timeout; errors are read by
//! [`errors`].

mod errors;
mod json;

use super::{GitHub, RunQuery, Token};
use crate::cloud::{CloudError, CloudResult};
use crate::config::GitHubConfig;
use crate::domain::github::{
    Comparison, DispatchRequest, Dispatched, GitHubCommit, Job, Repository, WorkflowRun,
};
use async_trait::async_trait;
use errors::{Call, Permission};
use http::{HeaderMap, Method, Request, header};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use std::time::Duration;

/// What a path segment or query value may hold unescaped.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The REST API version asked for.
const API_VERSION: &str = "2022-11-28";
/// Redirects followed to a log download, at most.
const MAX_REDIRECTS: usize = 5;
/// GitHub's largest page.
const PAGE: usize = 100;

fn enc(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// The GitHub port over HTTP.
pub struct RestGitHub {
    api: String,
    repo: Repository,
    token: Option<Token>,
    /// Why `gh auth token` gave no token, when it failed: added to the no-token hints.
    gh_failed: Option<String>,
    http: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    timeout: Duration,
}

/// One answer: status, headers, body.
struct Answer {
    status: u16,
    headers: HeaderMap,
    body: Bytes,
}

impl RestGitHub {
    /// A client for `config`'s repository and API, calling with `token` (`None`: anonymous,
    /// public repositories only), waiting `connect` for a connection and `timeout` for a call.
    pub fn new(
        config: &GitHubConfig,
        token: Option<Token>,
        connect: Duration,
        timeout: Duration,
    ) -> Result<RestGitHub, String> {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(connect));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())
            .map_err(|e| format!("GitHub: cannot load the system's TLS root certificates: {e}"))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Ok(RestGitHub {
            api: config.api_url.trim_end_matches('/').to_string(),
            repo: config.repository.clone(),
            token,
            gh_failed: None,
            http: Client::builder(TokioExecutor::new()).build(https),
            timeout,
        })
    }

    /// The client with what the token lookup found: its token, and why gh gave none.
    pub fn from_lookup(
        config: &GitHubConfig,
        lookup: super::Lookup,
        connect: Duration,
        timeout: Duration,
    ) -> Result<RestGitHub, String> {
        let mut port = RestGitHub::new(config, lookup.token, connect, timeout)?;
        port.gh_failed = lookup.gh_failed;
        Ok(port)
    }

    /// How to provide a token to change runs, and why gh gave none.
    fn write_hint(&self) -> String {
        match &self.gh_failed {
            Some(why) => format!("{}; {why}", Token::missing_write_hint()),
            None => Token::missing_write_hint().to_string(),
        }
    }

    fn repo_path(&self, rest: &str) -> String {
        format!(
            "/repos/{}/{}{rest}",
            enc(&self.repo.owner),
            enc(&self.repo.name)
        )
    }

    /// Sends one request to `url` (absolute), with the token only when `authorize`.
    async fn send(
        &self,
        call: &Call,
        method: Method,
        url: &str,
        accept: &str,
        body: Option<Vec<u8>>,
        authorize: bool,
    ) -> CloudResult<Answer> {
        let mut req = Request::builder()
            .method(method)
            .uri(url)
            .header(header::ACCEPT, accept)
            .header(
                header::USER_AGENT,
                concat!("shipdeck/", env!("CARGO_PKG_VERSION")),
            )
            .header("x-github-api-version", API_VERSION);
        if authorize && let Some(token) = &self.token {
            req = req.header(header::AUTHORIZATION, token.bearer());
        }
        if body.is_some() {
            req = req.header(header::CONTENT_TYPE, "application/json");
        }
        let req = req
            .body(Full::new(Bytes::from(body.unwrap_or_default())))
            .map_err(|e| {
                CloudError::Network(format!("{}: bad request URL {url}: {e}", call.operation))
            })?;
        let work = async {
            let resp = self.http.request(req).await.map_err(|e| {
                let mut text = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(s) = source {
                    text.push_str(": ");
                    text.push_str(&s.to_string());
                    source = s.source();
                }
                CloudError::Network(format!("GitHub {} ({}): {text}", call.operation, self.api))
            })?;
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let body = resp
                .into_body()
                .collect()
                .await
                .map_err(|e| CloudError::Network(format!("GitHub {}: {e}", call.operation)))?
                .to_bytes();
            Ok(Answer {
                status,
                headers,
                body,
            })
        };
        tokio::time::timeout(self.timeout, work)
            .await
            .map_err(|_| CloudError::Timeout {
                operation: format!(
                    "GitHub {} ({}, after {} s)",
                    call.operation,
                    self.api,
                    self.timeout.as_secs()
                ),
            })?
    }

    /// Sends a request to the API path `path` and reads a failure into an error.
    async fn call(
        &self,
        call: &Call,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> CloudResult<Answer> {
        self.call_accepting(call, method, path, "application/vnd.github+json", body)
            .await
    }

    async fn call_accepting(
        &self,
        call: &Call,
        method: Method,
        path: &str,
        accept: &str,
        body: Option<serde_json::Value>,
    ) -> CloudResult<Answer> {
        let writes = method != Method::GET;
        if writes && self.token.is_none() {
            return Err(CloudError::Rejected {
                code: "NoToken".into(),
                message: format!("{} needs a token: {}", call.operation, self.write_hint()),
            });
        }
        let url = format!("{}{path}", self.api);
        let body = body.map(|b| b.to_string().into_bytes());
        let answer = self.send(call, method, &url, accept, body, true).await?;
        if answer.status < 400 {
            return Ok(answer);
        }
        let exists = if answer.status == 404 {
            self.repository_exists().await
        } else {
            None
        };
        Err(errors::read(
            call,
            answer.status,
            &answer.headers,
            &answer.body,
            self.token.as_ref().map(|t| t.source),
            &self.repo.to_string(),
            exists,
        ))
    }

    /// After a 404: whether the repository itself answers (`None`: it could not be told).
    async fn repository_exists(&self) -> Option<bool> {
        let call = Call {
            operation: "get repository",
            permission: Permission::ContentsRead,
            subject: ("repository", self.repo.to_string()),
            workflow: None,
        };
        let url = format!("{}{}", self.api, self.repo_path(""));
        let answer = self
            .send(
                &call,
                Method::GET,
                &url,
                "application/vnd.github+json",
                None,
                true,
            )
            .await
            .ok()?;
        match answer.status {
            200..=299 => Some(true),
            404 => Some(false),
            _ => None,
        }
    }

    fn parse<T: serde::de::DeserializeOwned>(call: &Call, answer: &Answer) -> CloudResult<T> {
        serde_json::from_slice(&answer.body).map_err(|e| CloudError::Server {
            service: super::SERVICE.into(),
            operation: call.operation.into(),
            message: format!("an answer that is not GitHub's JSON: {e}"),
        })
    }

    fn read_call(operation: &'static str, kind: &'static str, name: String) -> Call {
        Call {
            operation,
            permission: Permission::ActionsRead,
            subject: (kind, name),
            workflow: None,
        }
    }
}

#[async_trait]
impl GitHub for RestGitHub {
    fn repository(&self) -> String {
        self.repo.to_string()
    }

    async fn list_runs(&self, query: &RunQuery) -> CloudResult<Vec<WorkflowRun>> {
        let call = Self::read_call("list workflow runs", "workflow", query.workflow.clone());
        let per_page = query.limit.clamp(1, PAGE);
        let mut out = Vec::new();
        for page in 1.. {
            let mut path = self.repo_path(&format!(
                "/actions/workflows/{}/runs?per_page={per_page}&page={page}",
                enc(&query.workflow)
            ));
            if let Some(branch) = &query.branch {
                path.push_str(&format!("&branch={}", enc(branch)));
            }
            let answer = self.call(&call, Method::GET, &path, None).await?;
            let runs: json::RunsPage = Self::parse(&call, &answer)?;
            let got = runs.workflow_runs.len();
            out.extend(runs.workflow_runs.into_iter().map(json::RunJson::into_run));
            if got < per_page || out.len() >= query.limit {
                break;
            }
        }
        out.truncate(query.limit);
        Ok(out)
    }

    async fn get_run(&self, run_id: u64) -> CloudResult<WorkflowRun> {
        let call = Self::read_call("get workflow run", "workflow run", run_id.to_string());
        let path = self.repo_path(&format!("/actions/runs/{run_id}"));
        let answer = self.call(&call, Method::GET, &path, None).await?;
        Ok(Self::parse::<json::RunJson>(&call, &answer)?.into_run())
    }

    async fn list_jobs(&self, run_id: u64) -> CloudResult<Vec<Job>> {
        let call = Self::read_call("list jobs", "workflow run", run_id.to_string());
        let mut out = Vec::new();
        for page in 1.. {
            let path = self.repo_path(&format!(
                "/actions/runs/{run_id}/jobs?per_page={PAGE}&page={page}"
            ));
            let answer = self.call(&call, Method::GET, &path, None).await?;
            let jobs: json::JobsPage = Self::parse(&call, &answer)?;
            let got = jobs.jobs.len();
            out.extend(jobs.jobs.into_iter().map(json::JobJson::into_job));
            if got < PAGE || out.len() >= jobs.total_count {
                break;
            }
        }
        Ok(out)
    }

    async fn job_log(&self, job_id: u64) -> CloudResult<String> {
        let call = Self::read_call("download job log", "job", job_id.to_string());
        let path = self.repo_path(&format!("/actions/jobs/{job_id}/logs"));
        let mut answer = self.call(&call, Method::GET, &path, None).await?;
        // A 302 to a short-lived download URL on another host: followed without the token.
        for _ in 0..MAX_REDIRECTS {
            if !(300..400).contains(&answer.status) {
                break;
            }
            let Some(location) = answer
                .headers
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
            else {
                break;
            };
            let location = location.to_string();
            answer = self
                .send(&call, Method::GET, &location, "*/*", None, false)
                .await?;
            if answer.status >= 400 {
                return Err(errors::read(
                    &call,
                    answer.status,
                    &answer.headers,
                    &answer.body,
                    self.token.as_ref().map(|t| t.source),
                    &self.repo.to_string(),
                    Some(true),
                ));
            }
        }
        if (300..400).contains(&answer.status) {
            return Err(CloudError::Server {
                service: super::SERVICE.into(),
                operation: call.operation.into(),
                message: format!("HTTP {} without a usable Location", answer.status),
            });
        }
        Ok(String::from_utf8_lossy(&answer.body).into_owned())
    }

    async fn list_commits(&self, branch: &str, limit: usize) -> CloudResult<Vec<GitHubCommit>> {
        let call = Call {
            operation: "list commits",
            permission: Permission::ContentsRead,
            subject: ("branch", branch.to_string()),
            workflow: None,
        };
        let per_page = limit.clamp(1, PAGE);
        let mut out = Vec::new();
        for page in 1.. {
            let path = self.repo_path(&format!(
                "/commits?sha={}&per_page={per_page}&page={page}",
                enc(branch)
            ));
            let answer = self.call(&call, Method::GET, &path, None).await?;
            let commits: Vec<json::CommitJson> = Self::parse(&call, &answer)?;
            let got = commits.len();
            out.extend(commits.into_iter().map(json::CommitJson::into_commit));
            if got < per_page || out.len() >= limit {
                break;
            }
        }
        out.truncate(limit);
        Ok(out)
    }

    async fn compare(&self, base: &str, head: &str) -> CloudResult<Comparison> {
        let call = Call {
            operation: "compare commits",
            permission: Permission::ContentsRead,
            subject: ("commit", format!("{base} or {head}")),
            workflow: None,
        };
        let path = self.repo_path(&format!("/compare/{}...{}", enc(base), enc(head)));
        let answer = self.call(&call, Method::GET, &path, None).await?;
        Ok(Self::parse::<json::CompareJson>(&call, &answer)?.into_comparison())
    }

    async fn workflow_file(&self, workflow: &str, git_ref: &str) -> CloudResult<String> {
        let call = Call {
            operation: "read workflow file",
            permission: Permission::ContentsRead,
            subject: (
                "workflow file",
                format!(".github/workflows/{workflow} at {git_ref}"),
            ),
            workflow: Some(workflow.to_string()),
        };
        let path = self.repo_path(&format!(
            "/contents/.github/workflows/{}?ref={}",
            enc(workflow),
            enc(git_ref)
        ));
        let answer = self
            .call_accepting(
                &call,
                Method::GET,
                &path,
                "application/vnd.github.raw+json",
                None,
            )
            .await?;
        String::from_utf8(answer.body.to_vec()).map_err(|_| CloudError::Server {
            service: super::SERVICE.into(),
            operation: call.operation.into(),
            message: format!("{workflow} is not UTF-8 text"),
        })
    }

    async fn dispatch(&self, req: &DispatchRequest) -> CloudResult<Dispatched> {
        let call = Call {
            operation: "dispatch workflow",
            permission: Permission::ActionsWrite,
            subject: ("workflow", req.workflow.clone()),
            workflow: Some(req.workflow.clone()),
        };
        let path = self.repo_path(&format!(
            "/actions/workflows/{}/dispatches",
            enc(&req.workflow)
        ));
        let body = serde_json::json!({
            "ref": req.git_ref,
            "inputs": req.inputs,
            "return_run_details": true,
        });
        let answer = match self.call(&call, Method::POST, &path, Some(body)).await {
            // A server without `return_run_details` (an older GitHub Enterprise) refuses the
            // parameter before it creates anything: sent once more without it.
            Err(CloudError::Rejected { message, .. }) if message.contains("return_run_details") => {
                let body = serde_json::json!({ "ref": req.git_ref, "inputs": req.inputs });
                self.call(&call, Method::POST, &path, Some(body)).await?
            }
            other => other?,
        };
        Ok(json::dispatched(&answer.headers, &answer.body))
    }

    async fn rerun_failed_jobs(&self, run_id: u64) -> CloudResult<()> {
        let call = Call {
            operation: "re-run failed jobs",
            permission: Permission::ActionsWrite,
            subject: ("workflow run", run_id.to_string()),
            workflow: None,
        };
        let path = self.repo_path(&format!("/actions/runs/{run_id}/rerun-failed-jobs"));
        self.call(&call, Method::POST, &path, None).await?;
        Ok(())
    }

    async fn rerun(&self, run_id: u64) -> CloudResult<()> {
        let call = Call {
            operation: "re-run workflow run",
            permission: Permission::ActionsWrite,
            subject: ("workflow run", run_id.to_string()),
            workflow: None,
        };
        let path = self.repo_path(&format!("/actions/runs/{run_id}/rerun"));
        self.call(&call, Method::POST, &path, None).await?;
        Ok(())
    }

    async fn writable(&self) -> Result<(), String> {
        match &self.token {
            Some(_) => Ok(()),
            None => Err(self.write_hint()),
        }
    }

    async fn cancel_run(&self, run_id: u64) -> CloudResult<()> {
        let call = Call {
            operation: "cancel workflow run",
            permission: Permission::ActionsWrite,
            subject: ("workflow run", run_id.to_string()),
            workflow: None,
        };
        let path = self.repo_path(&format!("/actions/runs/{run_id}/cancel"));
        self.call(&call, Method::POST, &path, None).await?;
        Ok(())
    }
}
