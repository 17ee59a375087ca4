# Multi-stage build: a static binary (CGO off: SQLite is modernc's pure Go)
# on distroless static, which brings CA certificates, tzdata and a nonroot
# user and nothing else.
# The Go release go.mod names (its security fixes included): keep the two equal.
FROM golang:1.27.3-bookworm AS build
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
# The image has no shell and no curl: `ikrar healthcheck` asks /readyz on
# IKRAR_ADDR itself and exits 0 when it answers 200.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["/ikrar", "healthcheck"]
# In-flight signings and uploads get 15 s after SIGTERM: run the container
# with a stop timeout above that (docker stop -t 30, compose's
# stop_grace_period: 30s; Docker's default is 10 s).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/ikrar"]
CMD ["serve"]
