//! The `Athena` port over Athena: `StartQueryExecution`, `GetQueryExecution`, `GetQueryResults`
//! (typed columns, the header row of a SELECT's first page taken off), `StopQueryExecution` and
//! `GetWorkGroup`.

use super::AwsCloud;
use super::errors::{Call, map};
use crate::cloud::CloudResult;
use crate::cloud::athena::{
    Athena, AthenaQuery, Execution, ExecutionState, ResultColumn, ResultPage, WorkGroup,
};
use async_trait::async_trait;
use aws_sdk_athena::types::{QueryExecutionContext, QueryExecutionState, ResultConfiguration};

/// The service's state as shipdeck's.
fn state(s: Option<&QueryExecutionState>) -> ExecutionState {
    match s {
        Some(QueryExecutionState::Queued) => ExecutionState::Queued,
        Some(QueryExecutionState::Running) => ExecutionState::Running,
        Some(QueryExecutionState::Succeeded) => ExecutionState::Succeeded,
        Some(QueryExecutionState::Failed) => ExecutionState::Failed,
        Some(QueryExecutionState::Cancelled) => ExecutionState::Cancelled,
        _ => ExecutionState::Unknown,
    }
}

/// Whether `row` is the header of `columns`: each cell the column's name.
pub(crate) fn is_header(row: &[Option<String>], columns: &[ResultColumn]) -> bool {
    row.len() == columns.len()
        && row
            .iter()
            .zip(columns)
            .all(|(cell, c)| cell.as_deref() == Some(c.name.as_str()))
}

#[async_trait]
impl Athena for AwsCloud {
    async fn start_query_execution(&self, q: &AthenaQuery) -> CloudResult<String> {
        let r = self.ready().await;
        let c = Call {
            service: "athena",
            operation: "StartQueryExecution",
            iam: "athena:StartQueryExecution",
            resources: &[("workgroup", q.workgroup.as_str())],
        };
        let mut request = r
            .clients
            .athena
            .start_query_execution()
            .query_string(&q.sql)
            .client_request_token(&q.client_request_token)
            .work_group(&q.workgroup)
            .query_execution_context(
                QueryExecutionContext::builder()
                    .database(&q.database)
                    .build(),
            );
        if let Some(out) = &q.output_location {
            request = request
                .result_configuration(ResultConfiguration::builder().output_location(out).build());
        }
        let out = request.send().await.map_err(|e| map(e, &c, &r.site))?;
        Ok(out.query_execution_id.unwrap_or_default())
    }

    async fn get_query_execution(&self, id: &str) -> CloudResult<Execution> {
        let r = self.ready().await;
        let c = Call {
            service: "athena",
            operation: "GetQueryExecution",
            iam: "athena:GetQueryExecution",
            resources: &[("query execution", id)],
        };
        let out = r
            .clients
            .athena
            .get_query_execution()
            .query_execution_id(id)
            .send()
            .await
            .map_err(|e| map(e, &c, &r.site))?;
        let q = out.query_execution();
        let status = q.and_then(|q| q.status());
        let stats = q.and_then(|q| q.statistics());
        let non_negative = |v: Option<i64>| v.map_or(0, |v| u64::try_from(v).unwrap_or(0));
        Ok(Execution {
            id: id.to_string(),
            state: state(status.and_then(|s| s.state())),
            reason: status
                .and_then(|s| s.state_change_reason())
                .map(str::to_string),
            bytes_scanned: non_negative(stats.and_then(|s| s.data_scanned_in_bytes())),
            engine_ms: non_negative(stats.and_then(|s| s.engine_execution_time_in_millis())),
        })
    }

    async fn get_query_results(
        &self,
        id: &str,
        token: Option<&str>,
        max: usize,
    ) -> CloudResult<ResultPage> {
        let r = self.ready().await;
        let c = Call {
            service: "athena",
            operation: "GetQueryResults",
            iam: "athena:GetQueryResults",
            resources: &[("query execution", id)],
        };
        let out = r
            .clients
            .athena
            .get_query_results()
            .query_execution_id(id)
            .set_next_token(token.map(str::to_string))
            .max_results(i32::try_from(max.clamp(1, 1000)).unwrap_or(1000))
            .send()
            .await
            .map_err(|e| map(e, &c, &r.site))?;
        let set = out.result_set();
        let columns: Vec<ResultColumn> = set
            .and_then(|s| s.result_set_metadata())
            .map(|m| {
                m.column_info()
                    .iter()
                    .map(|c| ResultColumn {
                        name: c.name().to_string(),
                        ty: c.r#type().to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut rows: Vec<Vec<Option<String>>> = set
            .map(|s| {
                s.rows()
                    .iter()
                    .map(|row| {
                        row.data()
                            .iter()
                            .map(|d| d.var_char_value().map(str::to_string))
                            .collect()
                    })
                    .collect()
            })
            .unwrap_or_default();
        // A SELECT's first page starts with the column names.
        if token.is_none() && rows.first().is_some_and(|r| is_header(r, &columns)) {
            rows.remove(0);
        }
        Ok(ResultPage {
            columns,
            rows,
            next_token: out.next_token,
        })
    }

    async fn stop_query_execution(&self, id: &str) -> CloudResult<()> {
        let r = self.ready().await;
        let c = Call {
            service: "athena",
            operation: "StopQueryExecution",
            iam: "athena:StopQueryExecution",
            resources: &[("query execution", id)],
        };
        r.clients
            .athena
            .stop_query_execution()
            .query_execution_id(id)
            .send()
            .await
            .map_err(|e| map(e, &c, &r.site))?;
        Ok(())
    }

    async fn get_work_group(&self, name: &str) -> CloudResult<WorkGroup> {
        let r = self.ready().await;
        let c = Call {
            service: "athena",
            operation: "GetWorkGroup",
            iam: "athena:GetWorkGroup",
            resources: &[("workgroup", name)],
        };
        let out = r
            .clients
            .athena
            .get_work_group()
            .work_group(name)
            .send()
            .await
            .map_err(|e| map(e, &c, &r.site))?;
        // An answer without a workgroup (as some emulators give) is a missing one.
        let Some(wg) = out.work_group() else {
            return Err(crate::cloud::CloudError::NotFound {
                kind: "workgroup".into(),
                name: name.to_string(),
            });
        };
        let config = wg.configuration();
        Ok(WorkGroup {
            name: wg.name().to_string(),
            enabled: !matches!(
                wg.state(),
                Some(aws_sdk_athena::types::WorkGroupState::Disabled)
            ),
            output_location: config
                .and_then(|c| c.result_configuration())
                .and_then(|r| r.output_location())
                .map(str::to_string),
            enforced: config
                .and_then(|c| c.enforce_work_group_configuration())
                .unwrap_or(false),
            bytes_cutoff: config
                .and_then(|c| c.bytes_scanned_cutoff_per_query())
                .and_then(|b| u64::try_from(b).ok()),
        })
    }
}
