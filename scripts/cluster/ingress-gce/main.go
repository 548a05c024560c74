// GKE's Ingress controller (k8s.io/ingress-gce), as far as it runs without Google Cloud, against the local API server:
//
//	ingress-gce crd                 install the BackendConfig CRD as the controller does at start
//	ingress-gce translate NS...     print, as JSON, what the controller makes of every Ingress in NS...
//
// `translate` runs the controller's own Translator over the stack's Ingresses, Services and BackendConfigs (the
// ServicePorts it would build backend services from, with their BackendConfig validated) and applies each backend's
// IAP settings to an empty backend service as the controller would. The server comes from KUBE_HOST, KUBE_CA and
// KUBE_TOKEN.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	crdclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	informerv1 "k8s.io/client-go/informers/core/v1"
	discoveryinformer "k8s.io/client-go/informers/discovery/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/klog/v2"

	"k8s.io/ingress-gce/pkg/annotations"
	"k8s.io/ingress-gce/pkg/backendconfig"
	bcclient "k8s.io/ingress-gce/pkg/backendconfig/client/clientset/versioned"
	bcinformer "k8s.io/ingress-gce/pkg/backendconfig/client/informers/externalversions/backendconfig/v1"
	"k8s.io/ingress-gce/pkg/backends/features"
	"k8s.io/ingress-gce/pkg/composite"
	"k8s.io/ingress-gce/pkg/controller/translator"
	"k8s.io/ingress-gce/pkg/crd"
	"k8s.io/ingress-gce/pkg/flags"
	"k8s.io/ingress-gce/pkg/utils"
	"k8s.io/ingress-gce/pkg/utils/namer"
)

// noDefaultBackend names the default backend the Translator is given: GKE's own (kube-system/default-http-backend)
// does not exist here, so errors about it are left out.
const noDefaultBackend = "no-default-backend"

// Backend is one ServicePort of an Ingress as the controller would build it.
type Backend struct {
	Host          string `json:"host"`
	Path          string `json:"path"`
	Service       string `json:"service"`
	Port          int32  `json:"port"`
	NEG           bool   `json:"neg"`
	BackendConfig string `json:"backendConfig"`
	IAP           bool   `json:"iap"`
	// Empty: IAP uses Google's own OAuth client.
	OAuthClientID string `json:"oauthClientID"`
	HealthPath    string `json:"healthPath"`
	HealthPort    int64  `json:"healthPort"`
	TimeoutSec    int64  `json:"timeoutSec"`
}

// Ingress is what the controller makes of one Ingress.
type Ingress struct {
	Namespace     string    `json:"namespace"`
	Name          string    `json:"name"`
	Managed       bool      `json:"managed"`
	AllowHTTP     bool      `json:"allowHTTP"`
	StaticIP      string    `json:"staticIP"`
	PreSharedCert string    `json:"preSharedCert"`
	Backends      []Backend `json:"backends"`
	Errors        []string  `json:"errors"`
}

func main() {
	flags.Register()
	flag.CommandLine.Parse(nil)
	// The controller's informational logging: errors only, on stderr.
	klog.LogToStderr(false)
	klog.SetOutput(io.Discard)
	if len(os.Args) < 2 {
		fail("usage: ingress-gce crd | translate NAMESPACE...")
	}
	cfg := &rest.Config{
		Host:            os.Getenv("KUBE_HOST"),
		BearerToken:     os.Getenv("KUBE_TOKEN"),
		TLSClientConfig: rest.TLSClientConfig{CAFile: os.Getenv("KUBE_CA")},
		Timeout:         30 * time.Second,
	}
	logger := klog.NewKlogr()
	switch os.Args[1] {
	case "crd":
		client, err := crdclient.NewForConfig(cfg)
		check(err)
		// The controller installs BackendConfig namespaced (cmd/glbc/main.go).
		_, err = crd.NewCRDHandler(client, logger).EnsureCRD(backendconfig.CRDMeta(), true)
		check(err)
		fmt.Println("BackendConfig CRD established")
	case "translate":
		out := []Ingress{}
		for _, ns := range os.Args[2:] {
			out = append(out, translate(cfg, ns, logger)...)
		}
		check(json.NewEncoder(os.Stdout).Encode(out))
	default:
		fail("unknown command " + os.Args[1])
	}
}

func translate(cfg *rest.Config, ns string, logger klog.Logger) []Ingress {
	kube, err := kubernetes.NewForConfig(cfg)
	check(err)
	bc, err := bcclient.NewForConfig(cfg)
	check(err)
	// The informers the controller gives its Translator (pkg/context/context.go), for this namespace.
	informers := []cache.SharedIndexInformer{
		informerv1.NewServiceInformer(kube, ns, 0, utils.NewNamespaceIndexer()),
		bcinformer.NewBackendConfigInformer(bc, ns, 0, utils.NewNamespaceIndexer()),
		informerv1.NewNodeInformer(kube, 0, utils.NewNamespaceIndexer()),
		informerv1.NewPodInformer(kube, ns, 0, utils.NewNamespaceIndexer()),
		discoveryinformer.NewEndpointSliceInformer(kube, ns, 0, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc}),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	synced := []cache.InformerSynced{}
	for _, i := range informers {
		go i.Run(ctx.Done())
		synced = append(synced, i.HasSynced)
	}
	if !cache.WaitForCacheSync(ctx.Done(), synced...) {
		fail("informers of " + ns + " did not sync within 60 s")
	}
	t := translator.NewTranslator(informers[0], informers[1], informers[2], informers[3], informers[4], kube, nil, false, false, logger)
	list, err := kube.NetworkingV1().Ingresses(ns).List(ctx, metav1.ListOptions{})
	check(err)
	out := []Ingress{}
	for i := range list.Items {
		out = append(out, describe(t, &list.Items[i], logger))
	}
	return out
}

func describe(t *translator.Translator, ing *networkingv1.Ingress, logger klog.Logger) Ingress {
	a := annotations.FromIngress(ing)
	r := Ingress{
		Namespace: ing.Namespace, Name: ing.Name, Managed: utils.IsGLBCIngress(ing), AllowHTTP: a.AllowHTTP(),
		StaticIP: a.GlobalStaticIPName(), PreSharedCert: a.UseNamedTLS(), Backends: []Backend{}, Errors: []string{},
	}
	def := utils.ServicePortID{
		Service: types.NamespacedName{Namespace: ing.Namespace, Name: noDefaultBackend},
		Port:    networkingv1.ServiceBackendPort{Number: 80},
	}
	urlMap, errs, _ := t.TranslateIngress(ing, def, namer.NewNamer("local", "local", logger))
	for _, e := range errs {
		if !strings.Contains(e.Error(), noDefaultBackend) {
			r.Errors = append(r.Errors, e.Error())
		}
	}
	for _, rule := range urlMap.HostRules {
		for _, p := range rule.Paths {
			sp := p.Backend
			b := Backend{Host: rule.Hostname, Path: p.Path, Service: sp.ID.Service.Name, Port: sp.Port, NEG: sp.NEGEnabled}
			if sp.BackendConfig != nil {
				b.BackendConfig = sp.BackendConfig.Name
				be := &composite.BackendService{}
				if _, err := features.EnsureIAP(sp, be, logger); err != nil {
					r.Errors = append(r.Errors, err.Error())
				}
				if be.Iap != nil {
					b.IAP, b.OAuthClientID = be.Iap.Enabled, be.Iap.Oauth2ClientId
				}
				if hc := sp.BackendConfig.Spec.HealthCheck; hc != nil {
					if hc.RequestPath != nil {
						b.HealthPath = *hc.RequestPath
					}
					if hc.Port != nil {
						b.HealthPort = *hc.Port
					}
				}
				if sp.BackendConfig.Spec.TimeoutSec != nil {
					b.TimeoutSec = *sp.BackendConfig.Spec.TimeoutSec
				}
			}
			r.Backends = append(r.Backends, b)
		}
	}
	return r
}

func check(err error) {
	if err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "ingress-gce:", msg)
	os.Exit(1)
}
