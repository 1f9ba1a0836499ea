#!/usr/bin/env Rscript
# Pull a ranking and a shadow-versus-self gap from a civicspace server with
# readr, and write what an analyst would look at first.
#
#   Rscript analyse.R [SERVER] [OUT_DIR]
#
# SERVER defaults to http://127.0.0.1:8080, OUT_DIR to the current
# directory. Needs readr (Debian: apt-get install r-cran-readr). The CSV
# columns are described in docs/data.md.

suppressPackageStartupMessages(library(readr))

args <- commandArgs(trailingOnly = TRUE)
server <- if (length(args) >= 1) args[[1]] else "http://127.0.0.1:8080"
out <- if (length(args) >= 2) args[[2]] else "."
dir.create(out, showWarnings = FALSE, recursive = TRUE)
country <- "XAA"
period <- "2025"

# Downloads a CSV (with the byte-order mark spreadsheets need, which readr
# drops) and reads it; text_columns, such as M49 codes ("076"), stay text.
get_csv <- function(path, text_columns = character()) {
  url <- paste0(server, "/v1", path, if (grepl("?", path, fixed = TRUE)) "&" else "?", "format=csv&bom=true")
  file <- tempfile(fileext = ".csv")
  on.exit(unlink(file))
  download.file(url, file, quiet = TRUE, mode = "wb")
  types <- do.call(cols, c(setNames(rep(list(col_character()), length(text_columns)), text_columns), list(.default = col_guess())))
  read_csv(file, col_types = types, show_col_types = FALSE, progress = FALSE)
}

# 1. The ranking of every kind of assessment for the period.
ranking <- get_csv(paste0("/comparisons/ranking?period=", period), c("m49", "country"))
ranked <- ranking[!is.na(ranking$rank), ]
ranked <- ranked[order(ranked$kind, ranked$rank), ]
cat(sprintf("ranking %s: %d assessments, %d ranked\n", period, nrow(ranking), nrow(ranked)))
for (i in seq_len(nrow(ranked))) {
  cat(sprintf("  %-7s %2d  %s  %5.1f  %s\n", ranked$kind[i], ranked$rank[i], ranked$country[i], ranked$score[i], ranked$status[i]))
}
write_csv(ranking, file.path(out, paste0("ranking-", period, ".csv")))

# 2. Where the watchdog and the government disagree: the tidy gap table has
#    one row per item and measure; keep the indicators' points.
gap <- get_csv(paste0("/comparisons/gap/", country, "/", period))
points <- gap[gap$level == "indicator" & gap$measure == "points", c("item_id", "self_value", "shadow_value", "difference")]
points <- points[order(-abs(points$difference)), ]
rating <- gap[gap$level == "rating", ]
cat(sprintf("gap %s %s: rating %g (self) vs %g (shadow), %d indicators disagree\n",
            country, period, rating$self_value[1], rating$shadow_value[1], nrow(points)))
for (i in seq_len(nrow(points))) {
  cat(sprintf("  %s: %g -> %g (%+g)\n", points$item_id[i], points$self_value[i], points$shadow_value[i], points$difference[i]))
}
write_csv(points, file.path(out, paste0("gap-", country, "-", period, "-indicators.csv")))
