//! Building blocks shared by the views: colours and badges, header, tabs, footer, stage boxes,
//! tables, side panes.

pub mod footer;
pub mod header;
pub mod pane;
pub mod stage_box;
pub mod status;
pub mod table;
pub mod tabs;
pub mod text;
