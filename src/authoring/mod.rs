//! Helping the people who write data files: skeletons (`new`), the JSON Schema for editors
//! (`schema`) and conversion of existing plain-text documents (`import`).

pub mod import;
pub mod schema;

/// The commented skeleton of each kind, in Chinese, with every field.
pub const SKELETONS: &[(&str, &str)] = &[
    (
        crate::kinds::work_report::KIND,
        include_str!("skeletons/work-report.yaml"),
    ),
    (
        crate::kinds::proposal_reply::KIND,
        include_str!("skeletons/proposal-reply.yaml"),
    ),
    (
        crate::kinds::action_plan::KIND,
        include_str!("skeletons/action-plan.yaml"),
    ),
];

pub fn skeleton(kind: &str) -> Option<&'static str> {
    SKELETONS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, text)| *text)
}
