import chisel3._
import chisel3.util.MuxCase

class Mux2to1_8bit extends Module {
  val io = IO(new Bundle {
    val sel = Input(UInt(1.W))
    val a = Input(UInt(8.W))
    val b = Input(UInt(8.W))
    val out = Output(UInt(8.W))
  })

  io.out := MuxCase(Seq(
    io.sel(0) -> io.a
  ), io.b)
}
