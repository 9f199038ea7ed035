{{- define "kitchen-sink.fullname" -}}
{{ .Release.Name }}-kitchen-sink
{{- end }}

{{- define "kitchen-sink.labels" -}}
app.kubernetes.io/name: kitchen-sink
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
