package certmanager

import (
	cmacme "github.com/cert-manager/cert-manager/pkg/apis/acme"
	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"

	"github.com/kargo-platform/kargo/internal/kinds"
)

// API groups and the API versions the types are written as.
const (
	Group          = cmapi.GroupName  // cert-manager.io
	ACMEGroup      = cmacme.GroupName // acme.cert-manager.io
	APIVersion     = Group + "/v1"
	ACMEAPIVersion = ACMEGroup + "/v1"
)

// Kind names, as written in TypeMeta and issuerRef.kind.
const (
	KindCertificate        = cmv1.CertificateKind
	KindCertificateRequest = cmv1.CertificateRequestKind
	KindIssuer             = cmv1.IssuerKind
	KindClusterIssuer      = cmv1.ClusterIssuerKind
	KindOrder              = "Order"
	KindChallenge          = "Challenge"
)

// Types used by kargo's modules.
type (
	Certificate           = cmv1.Certificate
	CertificateSpec       = cmv1.CertificateSpec
	CertificatePrivateKey = cmv1.CertificatePrivateKey
	PrivateKeyAlgorithm   = cmv1.PrivateKeyAlgorithm
	CertificateRequest    = cmv1.CertificateRequest
	Issuer                = cmv1.Issuer
	ClusterIssuer         = cmv1.ClusterIssuer
	IssuerSpec            = cmv1.IssuerSpec
	IssuerConfig          = cmv1.IssuerConfig
	SelfSignedIssuer      = cmv1.SelfSignedIssuer
	CAIssuer              = cmv1.CAIssuer
	// ObjectReference is a Certificate's issuerRef.
	ObjectReference = cmmeta.ObjectReference
)

// Private key algorithms.
const (
	RSAKeyAlgorithm     = cmv1.RSAKeyAlgorithm
	ECDSAKeyAlgorithm   = cmv1.ECDSAKeyAlgorithm
	Ed25519KeyAlgorithm = cmv1.Ed25519KeyAlgorithm
)

// Kinds lists cert-manager's custom kinds with their scope. Their CRDs ship in dist/
// with the chart, so none is created at run time.
var Kinds = []kinds.Custom{
	{Group: Group, Version: "v1", Kind: KindCertificate, Namespaced: true},
	{Group: Group, Version: "v1", Kind: KindCertificateRequest, Namespaced: true},
	{Group: Group, Version: "v1", Kind: KindIssuer, Namespaced: true},
	{Group: Group, Version: "v1", Kind: KindClusterIssuer},
	{Group: ACMEGroup, Version: "v1", Kind: KindOrder, Namespaced: true},
	{Group: ACMEGroup, Version: "v1", Kind: KindChallenge, Namespaced: true},
}
