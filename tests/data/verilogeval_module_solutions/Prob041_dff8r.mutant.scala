import chisel3._
import chisel3.util._

// Eight D flip-flops with an active-high synchronous reset to 0 (the implicit reset as it is).
class TopModule extends Module {
  val io = IO(new Bundle {
    val d = Input(UInt(8.W))
    val q = Output(UInt(8.W))
  })
  io.q := RegNext(io.d, 1.U(8.W))
}
