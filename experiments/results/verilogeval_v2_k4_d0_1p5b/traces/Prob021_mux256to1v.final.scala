import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val in  = Input(UInt(1024.W))
    val sel = Input(UInt(8.W))
    val out = Output(UInt(4.W))
  })
  val mux = RegInit(VecInit.fill(256)(0.U(4.W)))
  for (i <- 0 until 256) {
    when(io.sel === i) {
      mux(i) := io.in(i * 4.W + 3.W)
    }
  }
  io.out := mux(io.sel)
}
