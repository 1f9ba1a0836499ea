# civicspace: one static binary (CGO_ENABLED=0; modernc.org/sqlite is pure
# Go) on a distroless base, run as an unprivileged user.
#
#   docker build --build-arg VERSION=v1.2.0 -t civicspace .
#   docker run -p 8080:8080 -v civicspace-data:/data civicspace
#
# The build uses scripts/release.sh, so the flags are the release's.
FROM golang:1.26-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN sh scripts/release.sh -v "$VERSION" binary /out/civicspace && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/civicspace /usr/local/bin/civicspace
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV CIVICSPACE_ADDR=0.0.0.0:8080 \
    CIVICSPACE_DB=sqlite:/data/civicspace.db
EXPOSE 8080
VOLUME /data
ENTRYPOINT ["/usr/local/bin/civicspace"]
CMD ["serve"]
