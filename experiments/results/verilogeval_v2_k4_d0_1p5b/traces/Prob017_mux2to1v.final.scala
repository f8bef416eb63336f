import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val a   = Input(UInt(100.W))
    val b   = Input(UInt(100.W))
    val sel = Input(Bool())
    val out = Output(UInt(100.W))
  })
  val mux = RegInit(0.U(1.W))
  when(mux === 0.U) { io.out := io.a }
  .otherwise { io.out := io.b }
}
