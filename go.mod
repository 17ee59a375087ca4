module github.com/ikrar-id/ikrar

go 1.26.8
