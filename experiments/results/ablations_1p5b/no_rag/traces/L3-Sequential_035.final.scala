import chisel3._
import chisel3.util._
import chisel3.util.Enum
import chisel3.util.is

class FSMOnOff extends Module {
  val io = IO(new Bundle {
    val in    = Input(Bool())
    val state = Output(Bool())
  })
  val state = RegInit(false.B)

  switch(io.in) {
    is(false) => state := false.B
    is(true) => state := true.B
  }
  io.state := state
}
