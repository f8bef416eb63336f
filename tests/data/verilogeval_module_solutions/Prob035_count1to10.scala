import chisel3._
import chisel3.util._

// A decade counter 1..10 with an active-high synchronous reset (to 1): the implicit reset.
class TopModule extends Module {
  val io = IO(new Bundle {
    val q = Output(UInt(4.W))
  })
  val q = RegInit(1.U(4.W))
  q := Mux(q === 10.U, 1.U, q + 1.U)
  io.q := q
}
