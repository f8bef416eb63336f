import chisel3._
import chisel3.util._

// Combinational: a 256-to-1 bit multiplexer (dynamic bit select).
class TopModule extends Module {
  val io = IO(new Bundle {
    val in  = Input(UInt(256.W))
    val sel = Input(UInt(8.W))
    val out = Output(Bool())
  })
  io.out := io.in(io.sel)
}
