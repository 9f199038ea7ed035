{{- define "lookup.existingPassword" -}}
{{- $s := lookup "v1" "Secret" .Release.Namespace (printf "%s-credentials" .Release.Name) -}}
{{- if $s }}{{ index $s.data "password" }}{{ end -}}
{{- end }}
