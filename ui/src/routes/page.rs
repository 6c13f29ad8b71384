use crate::assets::INDEX_HTML;
use axum::response::Html;

/// The page. Its signals, buttons and texts live in `ui/assets/index.html`.
pub async fn index() -> Html<&'static str> {
    Html(INDEX_HTML)
}
