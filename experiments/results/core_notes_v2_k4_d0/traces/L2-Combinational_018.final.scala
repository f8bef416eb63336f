import chisel3._
import chisel3.util.MuxCase

class Mux2to1_32bit extends Module {
  val io = IO(new Bundle {
    val sel = Input(UInt(1.W))
    val a = Input(UInt(32.W))
    val b = Input(UInt(32.W))
    val out = Output(UInt(32.W))
  })

  io.out := MuxCase(32.U, Seq(
    io.sel(0) -> io.a,
    io.sel(1) -> io.b
  ))
}
