# Multi-stage build: a static binary (CGO off: SQLite is modernc's pure Go)
# on distroless static, which brings CA certificates, tzdata and a nonroot
# user and nothing else.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/ikrar ./cmd/ikrar \
	&& install -d -m 0700 /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ikrar /ikrar
# A new volume copies the owner and mode of the image's directory: nonroot
# (65532) must be able to write the database and keys there, and nobody
# else may read them (0700; `ikrar serve` also tightens an existing volume
# to 0700 directories and 0600 files at every start).
COPY --from=build --chown=65532:65532 /out/data /data
VOLUME /data
ENV IKRAR_DATA=/data IKRAR_ADDR=:8080
EXPOSE 8080
USER nonroot:nonroot
# No shell or curl in the image: the binary asks its own /readyz.
HEALTHCHECK --interval=30s --timeout=6s --start-period=20s --retries=3 CMD ["/ikrar", "healthcheck"]
ENTRYPOINT ["/ikrar"]
CMD ["serve"]
