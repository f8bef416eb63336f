import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val in  = Input(UInt(1024.W))
    val sel = Input(UInt(8.W))
    val out = Output(UInt(4.W))
  })
  val mux = Module(new Mux(1024.W, 4.W, io.in, io.sel))
  io.out := mux.io.out
}
